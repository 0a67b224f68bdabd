"""Background functions of the auth service.

- ``auth_on_customer_event`` (Pub/Sub, ``customer-events``): a tenant's products changed ->
  refresh every user's claims. Idempotent: the sweep's job id derives from the event id.
- ``auth_on_user_event`` (Pub/Sub, ``user-events``): roles changed -> that user's claims;
  ``user.disabled`` / ``user.reactivated`` / ``user.deleted`` / ``user.deidentified`` -> the
  Auth account and its sessions. Idempotent by nature.
- ``auth_on_sweep_job_written`` (Firestore, ``tenants/{t}/_authJobs/{jobId}``): the sweep job
  is the outbox; queues a task while the job runs unleased (task ids deduplicate).
- ``authSweepTenantUsers`` (Cloud Tasks): works through pages under the job's lease. Task-queue
  functions are camelCase: the name becomes the queue id, which allows no underscores.
- ``authSendActionLink`` (Cloud Tasks): generates a password-reset or verification link and
  emits it; idempotent through the event id, which derives from the request id.
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, tasks_fn

from auth import action_links, claims, sessions, sweeps
from auth.models.sweeps import SweepAction
from shared import events, logs
from shared.document_changes import data_after
from shared.sweeps import TASK_OPTIONS, SweepTask
from shared.tasks import task_handler


@pubsub_fn.on_message_published(topic="customer-events", retry=True)
@events.event_listener("auth_on_customer_event", types=["customer.updated"])
def auth_on_customer_event(event: events.DomainEvent) -> None:
    """Products changed: refresh every user's claims (the job id derives from the event id)."""
    if event.tenant_id is not None and "products" in event.data.get("changedFields", []):
        sweeps.start_sweep(event.tenant_id, SweepAction.REFRESH_CLAIMS, event.id)


@pubsub_fn.on_message_published(topic="user-events", retry=True)
@events.event_listener(
    "auth_on_user_event",
    types=[
        "user.updated",
        "user.disabled",
        "user.reactivated",
        "user.deleted",
        "user.deidentified",
    ],
)
def auth_on_user_event(event: events.DomainEvent) -> None:
    """Each branch is idempotent: the same claims set again, a disabled account disabled again,
    a deleted account deleted again (``auth.user_deleted`` keeps its event id)."""
    uid = event.subject_id
    if event.type == "user.updated":
        if event.tenant_id is not None and "roles" in event.data.get("changedFields", []):
            claims.refresh_user_claims(uid, event.tenant_id)
    elif event.type == "user.disabled":
        sessions.disable_user(uid)
    elif event.type == "user.reactivated":
        sessions.enable_user(uid)
    else:  # deleted, or de-identified: the account holds an email and goes too
        sessions.delete_user(uid, event.tenant_id, event.id)


@firestore_fn.on_document_written(document=sweeps.SWEEPER.document_pattern)
def auth_on_sweep_job_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    with logs.invocation("auth_on_sweep_job_written", tenantId=event.params["tenantId"]):
        sweeps.SWEEPER.on_job_written(event.params["jobId"], data_after(event))


@tasks_fn.on_task_dispatched(**TASK_OPTIONS)
@task_handler(SweepTask)
def authSweepTenantUsers(payload: SweepTask) -> None:
    sweeps.SWEEPER.run(payload)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=20),
)
@task_handler(action_links.ActionLinkTask)
def authSendActionLink(payload: action_links.ActionLinkTask) -> None:
    action_links.send_link(payload)
