"""Sweeps: one pass over every user of a tenant, a page at a time, resumable and idempotent.

Used when a tenant's products change (refresh every user's claims), when it is deactivated
(disable every user, revoke their sessions) and when it is reactivated (undo that).

How it stays correct under at-least-once delivery:

- **Started twice, one job.** The job id derives from the cause (an event id), and the job
  document is created only if absent; a second start finds it and does nothing.
- **The job document is the outbox.** Its Firestore trigger queues a task whenever the job is
  running and unleased (task id ``{jobId}-p{page}``, deduplicated), so a crash between
  committing progress and queuing the next task loses nothing. ``start_sweep`` queues the first
  task itself as well, to save the trigger's hop.
- **A page is processed once.** A task works on the job from wherever it stands: it takes the
  job's lease, then processes page after page, advancing ``page`` / ``cursor`` in a transaction
  only while its lease is intact, and keeps the lease until its time budget is spent (then
  releases it, and the trigger queues the next task). A duplicate delivery finds the lease held
  (``LeaseHeld``: retried later) or the job done (a no-op). A crashed worker's lease expires
  and the retried task resumes at the recorded page.
- **Each action is idempotent per user**: the same claims set again, a disabled account
  disabled again, changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
BUDGET = timedelta(minutes=3)
"""How long one task works before handing over (the task function's timeout is 5 minutes)."""
CHUNK = 100
"""Users per Admin SDK read of current claims; stamps of one chunk are written while the next
chunk's claims are set."""
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
    except AlreadyExists:
        _log.info("sweep already started", extra={"fields": {"jobId": job_id}})
        return job_id
    _log.info("sweep started", extra={"fields": {"jobId": job_id, "action": action.value}})
    enqueue_current_page(job)
    return job_id


def enqueue_current_page(job: SweepJob) -> None:
    """Queue the task of the job's current page, if the job is running and unleased (called by
    the job document's trigger; the task id makes repeated calls queue one task)."""
    from shared.tasks import enqueue

    if job.status is not SweepStatus.RUNNING or job.lease_until is not None:
        return
    page = SweepPage(tenant_id=job.tenant_id, job_id=job.id, page=job.page)
    enqueue(TASK_FUNCTION, page, task_id=f"{job.id}-p{job.page}")


def run_job(task: SweepPage, *, budget: timedelta = BUDGET) -> int:
    """Work on the task's job for at most ``budget``; the pages this call processed (0 when the
    job is done or gone). Raises ``LeaseHeld`` while another worker holds the job."""
    deadline = time.monotonic() + budget.total_seconds()
    job = _take_lease(task)
    pages = 0
    while job is not None:
        page = repos.profiles(job.tenant_id).query(limit=PAGE_SIZE, cursor=job.cursor)
        changed = _ACTIONS[job.action](job, page.items)
        keep = page.next_cursor is not None and time.monotonic() < deadline
        job = _advance(job, page.next_cursor, len(page.items), changed, keep_lease=keep)
        pages += 1
        if not keep:
            break
    return pages


def _take_lease(task: SweepPage) -> SweepJob | None:
    jobs = repos.jobs(task.tenant_id)

    def work(txn: Any) -> SweepJob | None:
        job = jobs.get(task.job_id, transaction=txn)
        if job is None or job.status is SweepStatus.DONE:
            return None
        now = datetime.now(UTC)
        if job.lease_until is not None and job.lease_until > now:
            raise LeaseHeld(f"{task.job_id} is being worked on")
        lease = {"lease_until": now + LEASE, "lease_owner": uuid.uuid4().hex}
        jobs.update(job.id, lease, writer=txn)
        return job.model_copy(update=lease)

    return run_transaction(work)


def _advance(
    job: SweepJob, cursor: str | None, scanned: int, changed: int, *, keep_lease: bool
) -> SweepJob | None:
    """Record a processed page; the job as it now stands if we still hold it, else None (our
    lease expired and another worker took over: it redoes the page, harmlessly)."""
    jobs = repos.jobs(job.tenant_id)

    def work(txn: Any) -> SweepJob | None:
        current = jobs.require(job.id, transaction=txn)
        if current.page != job.page or current.lease_owner != job.lease_owner:
            return None
        done = cursor is None
        now = datetime.now(UTC)
        changes: dict[str, Any] = {
            "page": job.page + 1,
            "cursor": cursor,
            "scanned": current.scanned + scanned,
            "changed": current.changed + changed,
            "lease_until": now + LEASE if keep_lease else None,
            "lease_owner": job.lease_owner if keep_lease else None,
            "status": SweepStatus.DONE if done else SweepStatus.RUNNING,
            "finished_at": now if done else None,
        }
        jobs.update(job.id, changes, writer=txn)
        return current.model_copy(update=changes) if keep_lease else None

    return run_transaction(work)


# -- the actions: each takes the job and a page of profiles, answers how many users changed ------
@functools.cache
def _pool() -> ThreadPoolExecutor:
    """Admin SDK calls in flight for this process (built on first use, reused by every page)."""
    return ThreadPoolExecutor(max_workers=AUTH_CONCURRENCY, thread_name_prefix="sweep")


def _in_parallel(work: Callable[[Profile], bool], users: list[Profile]) -> list[Profile]:
    """Run ``work`` per user with a few Auth API calls in flight; the users it changed."""
    results = list(_pool().map(work, users))
    return [user for user, changed in zip(users, results, strict=True) if changed]


def _current_claims(uids: list[str]) -> dict[str, dict[str, Any]]:
    """The users' current custom claims in one Admin SDK call (at most 100; missing users are
    left out)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    identifiers = [auth.UidIdentifier(uid) for uid in uids]
    return {
        u.uid: u.custom_claims or {} for u in auth.get_users(identifiers, app=admin_app()).users
    }


def _refresh_claims(job: SweepJob, users: list[Profile]) -> int:
    """Set each user's claims from their roles and the tenant's products; users whose claims
    already match are left alone (no token refresh needed). A chunk's ``jwtUpdatedAt`` stamps
    are written only after its claims are set (a client that refreshes on the stamp must get
    the new claims), while the next chunk's claims are being set."""
    from firebase_admin import auth

    from shared.clients import admin_app

    products = customer_repos.tenants().require(job.tenant_id).products
    profiles = repos.profiles(job.tenant_id)
    refreshed: list[str] = []
    stamping: list[Future[int]] = []
    for start in range(0, len(users), CHUNK):
        chunk = users[start : start + CHUNK]
        current = _current_claims([user.id for user in chunk])
        wanted = {u.id: claims_for(u.id, job.tenant_id, u.roles, products) for u in chunk}
        stale = [u for u in chunk if u.id in current and current[u.id] != wanted[u.id]]

        def refresh(user: Profile, wanted: dict[str, dict[str, Any]] = wanted) -> bool:
            auth.set_custom_user_claims(user.id, wanted[user.id], app=admin_app())
            return True

        done = [u.id for u in _in_parallel(refresh, stale)]
        refreshed += done
        stamp = {"jwt_updated_at": datetime.now(UTC), "claims_job_id": job.id}
        stamping.append(_pool().submit(profiles.update_many, ((uid, stamp) for uid in done)))
    for future in stamping:
        future.result()
    if refreshed:
        announce = claims_set_event(
            job.tenant_id, refreshed, subject_id=job.tenant_id, event_id=f"{job.id}-p{job.page}"
        )
        events.publish([announce])
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
