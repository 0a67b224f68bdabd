"""Sweeps: one pass over every user of a tenant, a page at a time, resumable and idempotent.

Used when a tenant's products change (refresh every user's claims), when it is deactivated
(disable every user, revoke their sessions) and when it is reactivated (undo that).

How it stays correct under at-least-once delivery:

- **Started twice, one job.** The job id derives from the cause (an event id), and the job
  document is created only if absent; a second start finds it and does nothing.
- **The job document is the outbox.** Its Firestore trigger enqueues the task for the current
  page whenever the job is running and unleased (task id ``{jobId}-p{page}``, deduplicated), so
  a crash between committing progress and enqueuing the next page loses nothing.
- **A page is processed once.** A worker takes a lease on the job before it processes the page
  and advances ``page`` / ``cursor`` only while it holds it; a duplicate delivery of the same
  page finds the lease (and retries later, finding the page done) or finds the page already
  advanced (stale: a no-op). A crashed worker's lease expires and the retry resumes the page.
- **Each action is idempotent per user**: the same claims set again, a disabled account
  disabled again, changes nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from auth import repositories as repos
from auth.claims import claims_for, claims_set_event
from auth.models import Profile, SweepAction, SweepJob, SweepPage, SweepStatus
from customer import repositories as customer_repos
from shared import events, logs
from shared.errors import AlreadyExists
from shared.transactions import run_transaction

TASK_FUNCTION = "authSweepTenantUsers"
PAGE_SIZE = 500
LEASE = timedelta(minutes=6)
"""Longer than the task function's timeout, so a live worker never loses its lease."""
AUTH_CONCURRENCY = 8
"""Admin SDK calls in flight per page: the Auth API answers each in a round trip."""
SUSPENDED_BY_TENANT = "tenant"

_log = logs.get_logger("auth.sweeps")


class LeaseHeld(RuntimeError):
    """Another delivery is processing this page now; retried later (then finds it done)."""


def job_id_for(action: SweepAction, cause: str) -> str:
    """The one job of ``action`` for ``cause`` (task-id safe characters)."""
    return f"{action.value}-{hashlib.sha256(cause.encode()).hexdigest()[:24]}"


def start_sweep(tenant_id: str, action: SweepAction, cause: str) -> str:
    """Create the job unless it exists; its trigger enqueues the first page. The job id."""
    job_id = job_id_for(action, cause)
    job = SweepJob(id=job_id, tenant_id=tenant_id, action=action, cause=cause)
    try:
        repos.jobs(tenant_id).create(job)
        _log.info("sweep started", extra={"fields": {"jobId": job_id, "action": action.value}})
    except AlreadyExists:
        _log.info("sweep already started", extra={"fields": {"jobId": job_id}})
    return job_id


def enqueue_current_page(job: SweepJob) -> None:
    """Queue the task of the job's current page, if the job is running and unleased (called by
    the job document's trigger; the task id makes repeated calls queue one task)."""
    from shared.tasks import enqueue

    if job.status is not SweepStatus.RUNNING or job.lease_until is not None:
        return
    page = SweepPage(tenant_id=job.tenant_id, job_id=job.id, page=job.page)
    enqueue(TASK_FUNCTION, page, task_id=f"{job.id}-p{job.page}")


def run_page(task: SweepPage, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> bool:
    """Process one page of the job; True if this call did it, False for a stale delivery.

    Raises ``LeaseHeld`` when another delivery holds the page (the task is retried).
    """
    jobs = repos.jobs(task.tenant_id)

    def lease(txn: Any) -> SweepJob | None:
        job = jobs.get(task.job_id, transaction=txn)
        if job is None or job.status is SweepStatus.DONE or job.page != task.page:
            return None
        if job.lease_until is not None and job.lease_until > now():
            raise LeaseHeld(f"{task.job_id} page {task.page} is being processed")
        jobs.update(job.id, {"lease_until": now() + LEASE}, writer=txn)
        return job

    job = run_transaction(lease)
    if job is None:
        return False
    page = repos.profiles(task.tenant_id).query(limit=PAGE_SIZE, cursor=job.cursor)
    changed = _ACTIONS[job.action](job, page.items)

    def advance(txn: Any) -> None:
        current = jobs.require(job.id, transaction=txn)
        if current.page != job.page:  # our lease expired and another worker finished the page
            return
        done = page.next_cursor is None
        jobs.update(
            job.id,
            {
                "page": job.page + 1,
                "cursor": page.next_cursor,
                "scanned": current.scanned + len(page.items),
                "changed": current.changed + changed,
                "lease_until": None,
                "status": SweepStatus.DONE if done else SweepStatus.RUNNING,
                "finished_at": now() if done else None,
            },
            writer=txn,
        )

    run_transaction(advance)
    return True


# -- the actions: each takes the job and a page of profiles, answers how many users changed ------
def _in_parallel(work: Callable[[Profile], bool], users: list[Profile]) -> list[Profile]:
    """Run ``work`` per user with a few Auth API calls in flight; the users it changed."""
    if not users:
        return []
    with ThreadPoolExecutor(max_workers=min(AUTH_CONCURRENCY, len(users))) as pool:
        results = list(pool.map(work, users))
    return [user for user, changed in zip(users, results, strict=True) if changed]


def _current_claims(uids: list[str]) -> dict[str, dict[str, Any]]:
    """The users' current custom claims, 100 per Admin SDK call (missing users left out)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(uids), 100):
        identifiers = [auth.UidIdentifier(uid) for uid in uids[start : start + 100]]
        for user in auth.get_users(identifiers, app=admin_app()).users:
            found[user.uid] = user.custom_claims or {}
    return found


def _refresh_claims(job: SweepJob, users: list[Profile]) -> int:
    """Set each user's claims from their roles and the tenant's products; users whose claims
    already match are left alone (no token refresh needed)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    tenant = customer_repos.tenants().require(job.tenant_id)
    current = _current_claims([user.id for user in users])
    wanted = {u.id: claims_for(u.id, job.tenant_id, u.roles, tenant.products) for u in users}
    stale = [u for u in users if u.id in current and current[u.id] != wanted[u.id]]

    def refresh(user: Profile) -> bool:
        auth.set_custom_user_claims(user.id, wanted[user.id], app=admin_app())
        return True

    refreshed = _in_parallel(refresh, stale)
    stamp = datetime.now(UTC)
    profiles = repos.profiles(job.tenant_id)
    profiles.update_many(
        (u.id, {"jwt_updated_at": stamp, "claims_job_id": job.id}) for u in refreshed
    )
    if refreshed:
        event_id = f"{job.id}-p{job.page}"
        events.publish(
            [
                claims_set_event(
                    job.tenant_id,
                    [u.id for u in refreshed],
                    subject_id=job.tenant_id,
                    event_id=event_id,
                )
            ]
        )
    return len(refreshed)


def _set_disabled(job: SweepJob, users: list[Profile], *, disabled: bool) -> int:
    """Suspend: disable active users and revoke their sessions, marking them as disabled by the
    tenant. Resume: re-enable only the users the tenant's deactivation disabled."""
    from firebase_admin import auth

    from shared.clients import admin_app

    if disabled:
        targets = [u for u in users if not u.disabled]
    else:
        targets = [u for u in users if u.disabled and u.disabled_by == SUSPENDED_BY_TENANT]

    def apply(user: Profile) -> bool:
        changes: dict[str, Any] = {"disabled": disabled}
        if disabled:
            changes["valid_since"] = int(time.time())  # revokes every refresh token
        try:
            auth.update_user(user.id, app=admin_app(), **changes)
        except auth.UserNotFoundError:
            _log.warning("profile without an Auth account", extra={"fields": {"uid": user.id}})
        return True

    changed = _in_parallel(apply, targets)
    repos.profiles(job.tenant_id).update_many(
        (u.id, {"disabled": disabled, "disabled_by": SUSPENDED_BY_TENANT if disabled else None})
        for u in changed
    )
    return len(changed)


_ACTIONS: dict[SweepAction, Callable[[SweepJob, list[Profile]], int]] = {
    SweepAction.REFRESH_CLAIMS: _refresh_claims,
    SweepAction.SUSPEND: lambda job, users: _set_disabled(job, users, disabled=True),
    SweepAction.RESUME: lambda job, users: _set_disabled(job, users, disabled=False),
}
