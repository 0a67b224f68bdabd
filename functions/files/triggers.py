"""Background functions of the files service.

- ``files_on_storage_event`` (Pub/Sub, ``storage-events``): the bucket's object notifications
  (published by GCS bucket notifications in production, by the GCS emulator locally) settle
  receipts; idempotent through the receipt's state (see :mod:`files.storage_events`).
- ``files_on_references_written`` (Firestore): the last holder gone queues the deletion task,
  with a task id from the trigger's event id (a redelivery queues nothing twice). Retried on
  failure: SDK 0.6.0 takes no ``retry`` for Firestore triggers, so the deploy plan gives every
  one ``--retry`` (``ops/deploy/commands.py``, ``FIRESTORE_RETRY``; pinned by
  ``tests/unit/test_deploy_plan.py``).
- ``filesDeleteUnreferenced`` (Cloud Tasks): deletes a file still unreferenced when it fires;
  idempotent (see :mod:`files.cleanup`).
- ``filesDeleteExpired`` (Cloud Tasks, at a temporary file's expiry): deletes it, referenced
  or not; idempotent the same way.
- ``files_expire_stale_uploads`` (hourly): receipts pending too long are rejected.
- ``files_reconcile_daily`` (daily): starts each tenant's reconciliation sweeps (once a day:
  the job ids derive from the day); ``files_on_sweep_job_written`` queues their tasks and
  ``filesSweepTenant`` works through their pages (see :mod:`files.reconcile`).
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, scheduler_fn, tasks_fn

from files import cleanup, reconcile, storage_events
from files.models.receipts import DeleteExpired, DeleteUnreferenced
from shared import logs
from shared.document_changes import before_after, data_after
from shared.sweeps import TASK_OPTIONS, SweepTask
from shared.tasks import task_handler

STORAGE_TOPIC = "storage-events"
REFERENCES_DOCUMENT = "tenants/{tenantId}/fileRefs/{fileId}"


@pubsub_fn.on_message_published(topic=STORAGE_TOPIC, retry=True)
def files_on_storage_event(
    event: pubsub_fn.CloudEvent[pubsub_fn.MessagePublishedData[Any]],
) -> None:
    attributes = dict(event.data.message.attributes or {})
    with logs.invocation("files_on_storage_event", objectId=attributes.get("objectId")):
        outcome = storage_events.handle_notification(attributes)
        logs.bind(outcome=outcome)


@firestore_fn.on_document_written(document=REFERENCES_DOCUMENT)
def files_on_references_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    params = event.params
    with logs.invocation("files_on_references_written", tenantId=params["tenantId"]):
        cleanup.schedule_if_unreferenced(
            event.id, params["tenantId"], params["fileId"], *before_after(event)
        )


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
)
@task_handler(DeleteUnreferenced)
def filesDeleteUnreferenced(payload: DeleteUnreferenced) -> None:
    cleanup.delete_unreferenced(payload)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
)
@task_handler(DeleteExpired)
def filesDeleteExpired(payload: DeleteExpired) -> None:
    cleanup.delete_expired(payload)


@scheduler_fn.on_schedule(schedule="17 * * * *", timezone=scheduler_fn.Timezone("UTC"))
def files_expire_stale_uploads(event: scheduler_fn.ScheduledEvent) -> None:
    with logs.invocation("files_expire_stale_uploads"):
        logs.bind(expired=cleanup.expire_stale_uploads())


@scheduler_fn.on_schedule(schedule="43 3 * * *", timezone=scheduler_fn.Timezone("UTC"))
def files_reconcile_daily(event: scheduler_fn.ScheduledEvent) -> None:
    with logs.invocation("files_reconcile_daily"):
        logs.bind(tenants=reconcile.start_daily())


@firestore_fn.on_document_written(document=reconcile.SWEEPER.document_pattern)
def files_on_sweep_job_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    with logs.invocation("files_on_sweep_job_written", tenantId=event.params["tenantId"]):
        reconcile.SWEEPER.on_job_written(event.params["jobId"], data_after(event))


@tasks_fn.on_task_dispatched(**TASK_OPTIONS)
@task_handler(SweepTask)
def filesSweepTenant(payload: SweepTask) -> None:
    reconcile.SWEEPER.run(payload)
