"""Domain events: the envelope, the publisher, and the idempotent consumer wrapper.

Each service publishes to its own topic (``example.project_created`` -> ``example-events``),
ordered by ``tenantId/subjectId`` so the events of one subject arrive in order. Pub/Sub delivers
at least once, so :func:`event_consumer` records each processed event id in a ledger document
written in the same transaction as the handler's writes: a second delivery finds the ledger
entry and changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import Field

from shared import logs, paths
from shared.models import Model
from shared.settings import get_settings

if TYPE_CHECKING:
    from firebase_functions.core import CloudEvent
    from firebase_functions.pubsub_fn import MessagePublishedData
    from google.cloud.firestore import Transaction

    from shared.unit_of_work import UnitOfWork

LEDGER = "_processedEvents"
LEDGER_TTL = timedelta(days=30)
_log = logs.get_logger("events")


class DomainEvent(Model):
    """The envelope of every event between services."""

    id: str = Field(description="Unique per event; a re-delivery carries the same id.")
    type: str = Field(description="`<service>.<past_tense_verb>`, e.g. `user.updated`.")
    tenant_id: str | None = Field(
        default=None, description="The tenant the subject belongs to (absent: none)."
    )
    subject_id: str = Field(description="The id of the entity the event is about.")
    occurred_at: datetime
    data: dict[str, Any] = Field(default_factory=dict)
    schema_version: int = 1

    @property
    def topic(self) -> str:
        """The topic of the emitting service: ``<service>-events``."""
        return topic_for(self.type)

    @property
    def ordering_key(self) -> str:
        return f"{self.tenant_id or '-'}/{self.subject_id}"


def topic_for(event_type: str) -> str:
    """``user.updated`` -> ``user-events``."""
    return f"{event_type.split('.', 1)[0]}-events"


def new_event(
    type: str,
    *,
    tenant_id: str | None,
    subject_id: str,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> DomainEvent:
    """A new event. Pass ``event_id`` derived from the cause (e.g. the trigger's event id) so a
    re-delivered cause emits the same event id, which consumers then ignore."""
    return DomainEvent(
        id=event_id or uuid.uuid4().hex,
        type=type,
        tenant_id=tenant_id,
        subject_id=subject_id,
        occurred_at=datetime.now(UTC),
        data=data or {},
    )


def publish(events: Iterable[DomainEvent]) -> list[str]:
    """Publish events and wait until Pub/Sub has accepted each; returns the message ids.

    A service's topic is created on its first event when it does not exist yet (deploy creates
    topics up front; locally the emulator starts with only the topics functions listen to).
    """
    from google.api_core.exceptions import NotFound

    from shared.clients import publisher

    client = publisher()
    sent = [(event, _send(client, event)) for event in events]
    ids = []
    for event, future in sent:
        topic = _topic_path(client, event)
        try:
            ids.append(future.result(timeout=30))
        except NotFound:
            client.resume_publish(topic, event.ordering_key)
            _ensure_topic(client, topic)
            ids.append(_send(client, event).result(timeout=30))
        except Exception:
            client.resume_publish(topic, event.ordering_key)
            raise
    return ids


def _topic_path(client: Any, event: DomainEvent) -> str:
    return str(client.topic_path(get_settings().project_id, event.topic))


def _send(client: Any, event: DomainEvent) -> Any:
    body = json.dumps(event.to_wire()).encode()
    return client.publish(
        _topic_path(client, event),
        body,
        ordering_key=event.ordering_key,
        type=event.type,
        eventId=event.id,
    )


def _ensure_topic(client: Any, topic: str) -> None:
    from google.api_core.exceptions import AlreadyExists

    with contextlib.suppress(AlreadyExists):
        client.create_topic(name=topic)


def parse_event(cloud_event: CloudEvent[MessagePublishedData[Any]]) -> DomainEvent:
    """The domain event carried by a Pub/Sub CloudEvent."""
    return DomainEvent.model_validate(cloud_event.data.message.json)


ConsumerHandler = Callable[[DomainEvent, "UnitOfWork"], None]


def event_consumer(
    consumer: str, *, types: Iterable[str] | None = None
) -> Callable[[ConsumerHandler], Callable[[Any], None]]:
    """Wrap ``handler(event, uow)`` as an idempotent Pub/Sub consumer.

    The handler reads and stages its writes through the unit of work; the ledger entry
    ``{consumer}:{event.id}`` is created in the same commit, so a re-delivered event is a no-op.
    Events of other ``types`` are acknowledged and ignored.
    """
    wanted = set(types) if types is not None else None

    def decorate(handler: ConsumerHandler) -> Callable[[Any], None]:
        @functools.wraps(handler)
        def consume(cloud_event: Any) -> None:
            event = parse_event(cloud_event)
            if wanted is not None and event.type not in wanted:
                return
            with logs.invocation(consumer, tenantId=event.tenant_id, eventId=event.id):
                handled = process_once(consumer, event, handler)
                if not handled:
                    _log.info("duplicate event ignored", extra={"fields": {"type": event.type}})

        return consume

    return decorate


def event_listener(
    consumer: str, *, types: Iterable[str]
) -> Callable[[Callable[[DomainEvent], None]], Callable[[Any], None]]:
    """Wrap ``handler(event)`` as a Pub/Sub consumer without the ledger, for handlers that are
    idempotent by construction (deterministic ids, create-if-absent, set semantics): they say
    how in their docstring. Events of other ``types`` are acknowledged and ignored."""
    wanted = set(types)

    def decorate(handler: Callable[[DomainEvent], None]) -> Callable[[Any], None]:
        @functools.wraps(handler)
        def consume(cloud_event: Any) -> None:
            event = parse_event(cloud_event)
            if event.type not in wanted:
                return
            with logs.invocation(consumer, tenantId=event.tenant_id, eventId=event.id):
                handler(event)

        return consume

    return decorate


def process_once(consumer: str, event: DomainEvent, handler: ConsumerHandler) -> bool:
    """Run ``handler`` for ``event`` unless this consumer already did; True if it ran.

    The ledger entry is *created* in the handler's transaction without being read first: a
    second delivery fails that create (``AlreadyExists``) and with it the whole commit. Not
    reading it matters: a read of a missing document locks the range it would sit in, so
    concurrent consumers of one tenant would block one another until a lock timeout.
    """
    from google.api_core.exceptions import AlreadyExists

    from shared.clients import firestore_client
    from shared.transactions import run_transaction
    from shared.unit_of_work import FirestoreUnitOfWork

    ledger = firestore_client().document(str(_ledger_path(consumer, event)))
    emitted: list[DomainEvent] = []

    def work(txn: Transaction) -> None:
        uow = FirestoreUnitOfWork(txn, reads=True)
        handler(event, uow)
        emitted[:] = uow.events
        now = datetime.now(UTC)
        txn.create(
            ledger,
            {
                "consumer": consumer,
                "type": event.type,
                "processedAt": now,
                "expireAt": now + LEDGER_TTL,
            },
        )

    try:
        run_transaction(work)
    except AlreadyExists:
        return False
    if emitted:
        publish(emitted)
    return True


def _ledger_path(consumer: str, event: DomainEvent) -> paths.DocumentPath:
    entry = f"{consumer}:{event.id}"
    if event.tenant_id:
        return paths.tenant_collection(event.tenant_id, LEDGER).document(entry)
    return paths.root_collection(LEDGER).document(entry)
