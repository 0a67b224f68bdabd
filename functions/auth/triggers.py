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
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, tasks_fn

from auth import claims, sessions, sweeps
from auth.models import SweepAction
from shared import events, logs
from shared.sweeps import SweepJob, SweepTask
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
    after = event.data.after
    if after is None or not after.exists:
        return
    with logs.invocation("auth_on_sweep_job_written", tenantId=event.params["tenantId"]):
        sweeps.SWEEPER.enqueue_current(SweepJob.from_firestore(after.id, after.to_dict() or {}))


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(
        max_attempts=20, min_backoff_seconds=5, max_backoff_seconds=120
    ),
    rate_limits=options.RateLimits(max_concurrent_dispatches=20),
    timeout_sec=300,
    memory=options.MemoryOption.MB_512,
)
@task_handler(SweepTask)
def authSweepTenantUsers(payload: SweepTask) -> None:
    sweeps.SWEEPER.run(payload)
