"""Background functions of the files service.

- ``files_on_storage_event`` (Pub/Sub, ``storage-events``): the bucket's object notifications
  (published by GCS bucket notifications in production, by the GCS emulator locally) settle
  receipts; idempotent through the receipt's state (see :mod:`files.storage_events`).
"""

from __future__ import annotations

from typing import Any

from firebase_functions import pubsub_fn

from files import storage_events
from shared import logs

STORAGE_TOPIC = "storage-events"


@pubsub_fn.on_message_published(topic=STORAGE_TOPIC, retry=True)
def files_on_storage_event(
    event: pubsub_fn.CloudEvent[pubsub_fn.MessagePublishedData[Any]],
) -> None:
    attributes = dict(event.data.message.attributes or {})
    with logs.invocation("files_on_storage_event", objectId=attributes.get("objectId")):
        outcome = storage_events.handle_notification(attributes)
        logs.bind(outcome=outcome)
