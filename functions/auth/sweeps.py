"""The auth service's sweep over every user of a tenant (machinery: ``shared.sweeps``).

``refresh-claims``: a tenant's products changed, so each user's claims are set from their roles
and the tenant's products; users whose claims already match are skipped (idempotent: the same
claims). A tenant's deactivation needs no sweep here: the user service deactivates each user,
and ``user.disabled`` reaches :mod:`auth.sessions` per user.

Jobs live in ``tenants/{tenantId}/_authJobs``; ``authSweepTenantUsers`` runs them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from auth.claims import claims_for, claims_set_event
from auth.models.sweeps import SweepAction
from customer import public as customer_public
from shared import events, logs
from shared.repository import Page
from shared.sweeps import Sweeper, SweepJob, SweepKind
from user import public as user_public
from user.public import AccessView

PAGE_SIZE = 500
AUTH_CONCURRENCY = 8
"""Admin SDK calls in flight per worker: the Auth API answers each in a round trip."""
CHUNK = 100
"""Users per Admin SDK read of current claims; stamps of one chunk are written while the next
chunk's claims are set."""

_log = logs.get_logger("auth.sweeps")


def start_sweep(tenant_id: str, action: SweepAction, cause: str) -> str:
    """Start (once per cause) a sweep of every user of the tenant; the job id."""
    return SWEEPER.start(tenant_id, action.value, cause)


def _profiles_page(job: SweepJob, cursor: str | None) -> Page[AccessView]:
    return user_public.access_views_page(job.tenant_id, limit=PAGE_SIZE, cursor=cursor)


# -- the page work: each takes the job and a page of profiles, answers how many users changed -----
@functools.cache
def _pool() -> ThreadPoolExecutor:
    """Admin SDK calls in flight for this process (built on first use, reused by every page)."""
    return ThreadPoolExecutor(max_workers=AUTH_CONCURRENCY, thread_name_prefix="sweep")


def _in_parallel(work: Callable[[AccessView], bool], users: list[AccessView]) -> list[AccessView]:
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


def _refresh_claims(job: SweepJob, users: list[AccessView]) -> int:
    """Set each user's claims from their roles and the tenant's products; users whose claims
    already match are left alone (no token refresh needed). A chunk's ``jwtUpdatedAt`` stamps
    are written only after its claims are set (a client that refreshes on the stamp must get
    the new claims), while the next chunk's claims are being set."""
    from firebase_admin import auth

    from shared.clients import admin_app

    products = customer_public.require_tenant_products(job.tenant_id)
    refreshed: list[str] = []
    stamping: list[Future[int]] = []
    for start in range(0, len(users), CHUNK):
        chunk = users[start : start + CHUNK]
        current = _current_claims([user.id for user in chunk])
        wanted = {u.id: claims_for(u.id, job.tenant_id, u.roles, products) for u in chunk}
        stale = [u for u in chunk if u.id in current and current[u.id] != wanted[u.id]]

        def refresh(user: AccessView, wanted: dict[str, dict[str, Any]] = wanted) -> bool:
            auth.set_custom_user_claims(user.id, wanted[user.id], app=admin_app())
            return True

        done = [u.id for u in _in_parallel(refresh, stale)]
        refreshed += done
        stamping.append(_pool().submit(user_public.stamp_claims_swept, job.tenant_id, done, job.id))
    for future in stamping:
        future.result()
    if refreshed:
        announce = claims_set_event(
            job.tenant_id, refreshed, subject_id=job.tenant_id, event_id=f"{job.id}-p{job.page}"
        )
        events.publish([announce])
    return len(refreshed)


def _kind(process: Callable[[SweepJob, list[AccessView]], int]) -> SweepKind[AccessView]:
    return SweepKind(read_page=_profiles_page, process=process)


SWEEPER = Sweeper(
    collection="_authJobs",
    task_function="authSweepTenantUsers",
    kinds={
        SweepAction.REFRESH_CLAIMS: _kind(_refresh_claims),
    },
)
