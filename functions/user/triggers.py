"""Background functions of the user service.

- ``user_on_profile_written`` (Firestore): turns profile writes into ``user.*`` events (the
  same event ids on a re-delivery), and queues the de-identification of a consumer whose tenant
  keeps nothing (the task id deduplicates).
- ``user_on_customer_event`` (Pub/Sub, ``customer-events``): a tenant's deactivation
  deactivates its users, its reactivation re-enables those; sweep jobs derive from the event
  id, so a re-delivered event starts nothing new.
- ``user_on_sweep_job_written`` (Firestore) and ``userSweepTenantUsers`` (Cloud Tasks): the bulk
  runs (``shared.sweeps``).
- ``userDeidentify`` (Cloud Tasks) and ``user_deidentify_due`` (daily): de-identification,
  which re-checks the profile in its transaction.
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, scheduler_fn, tasks_fn

from shared import events, logs
from shared.document_changes import before_after, data_after
from shared.sweeps import TASK_OPTIONS, SweepTask
from shared.tasks import task_handler
from user import deidentify, lifecycle, user_events

PROFILE_DOCUMENT = "tenants/{tenantId}/users/{userId}"


@firestore_fn.on_document_written(document=PROFILE_DOCUMENT)
def user_on_profile_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    tenant_id, user_id = event.params["tenantId"], event.params["userId"]
    with logs.invocation("user_on_profile_written", tenantId=tenant_id):
        before, after = before_after(event)
        found = user_events.events_for_change(event.id, tenant_id, user_id, before, after)
        if found:
            events.publish(found)
        deidentify.queue_if_due(tenant_id, user_id, found, after)


@pubsub_fn.on_message_published(topic="customer-events", retry=True)
@events.event_listener(
    "user_on_customer_event", types=["customer.deactivated", "customer.reactivated"]
)
def user_on_customer_event(event: events.DomainEvent) -> None:
    if event.tenant_id is not None:
        lifecycle.follow_tenant_status(event.tenant_id, event.type, event.id)


@firestore_fn.on_document_written(document=lifecycle.SWEEPER.document_pattern)
def user_on_sweep_job_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    with logs.invocation("user_on_sweep_job_written", tenantId=event.params["tenantId"]):
        lifecycle.SWEEPER.on_job_written(event.params["jobId"], data_after(event))


@tasks_fn.on_task_dispatched(**TASK_OPTIONS)
@task_handler(SweepTask)
def userSweepTenantUsers(payload: SweepTask) -> None:
    lifecycle.SWEEPER.run(payload)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=10, min_backoff_seconds=30),
)
@task_handler(deidentify.DeidentifyTask)
def userDeidentify(payload: deidentify.DeidentifyTask) -> None:
    deidentify.deidentify(payload.tenant_id, payload.user_id)


@scheduler_fn.on_schedule(schedule="15 4 * * *", timezone=scheduler_fn.Timezone("UTC"))
def user_deidentify_due(event: scheduler_fn.ScheduledEvent) -> None:
    with logs.invocation("user_deidentify_due"):
        deidentify.deidentify_due()
