"""Deactivating and reactivating users: one at a time, or every user of a tenant in a sweep.

A deactivation writes ``disabled``, who did it and when, and, for consumers, when their
personal data goes (``deidentifyAt``, from the tenant's retention setting). The profile's
trigger then emits ``user.disabled``, on which the auth service disables the account and
revokes its sessions. Reactivation clears all of it, which also cancels a pending
de-identification. Bulk runs are ``shared.sweeps`` jobs (``tenants/{t}/_userJobs``); a tenant's
own deactivation runs the same sweep with ``disabledBy: "tenant"``, and its reactivation
re-enables only those users.

Nobody acts above their station (``shared.roles_grant.check_may_act_on``): a user who holds a
role the actor could not grant is refused one at a time (``roles/unencompassed``) and skipped by
the actor's bulk runs (the job records the actor's roles; a tenant's own deactivation has no
actor and spares nobody but platform admins). A platform-admin profile is ``not-found`` to
tenant callers, exactly like an unknown uid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from customer import public as customer_public
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from shared.repository import Page
from shared.roles_grant import check_may_act_on, may_act_on
from shared.sweeps import Sweeper, SweepJob, SweepKind
from shared.unit_of_work import UnitOfWork
from user import repositories as repos
from user.models.profiles import UserProfile, UserType
from user.profiles import require_reachable

DISABLED_BY_TENANT = "tenant"
DEACTIVATE, REACTIVATE = "deactivate", "reactivate"
PAGE_SIZE = 500


def retention(tenant_id: str) -> timedelta:
    """How long the tenant keeps a deactivated consumer's personal data."""
    days = customer_public.deidentify_after_days(tenant_id)
    days = days if days is not None else 90
    return timedelta(days=days)


def disable_changes(
    profile: UserProfile, by: str, now: datetime, keep: timedelta
) -> dict[str, Any]:
    """The fields a deactivation writes (``deidentifyAt`` for consumers only)."""
    changes: dict[str, Any] = {"disabled": True, "disabled_by": by, "disabled_at": now}
    if profile.type is UserType.CONSUMER:
        changes["deidentify_at"] = now + keep
    return changes


ENABLE_CHANGES: dict[str, Any] = {
    "disabled": False,
    "disabled_by": None,
    "disabled_at": None,
    "deidentify_at": None,
}


def _reachable_target(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str
) -> UserProfile:
    """The profile the caller may act on: not-found as for an unknown uid when it is a
    platform admin's (tenants never learn one exists), never oneself, never a user above the
    caller's station."""
    profile = require_reachable(ctx, tenant_id, user_id, uow)
    if profile.id == ctx.uid:
        raise PermissionDenied("Nobody deactivates their own account", type="users/self")
    check_may_act_on(ctx, profile.id, profile.roles)
    return profile


def deactivate_user(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str, *, keep: timedelta
) -> UserProfile:
    """Deactivate one user (a consumer's data is kept for ``keep``: :func:`retention`);
    deactivating a deactivated user changes nothing."""
    profile = _reachable_target(uow, ctx, tenant_id, user_id)
    if profile.disabled:
        return profile
    changes = disable_changes(profile, ctx.uid, datetime.now(UTC), keep)
    uow.bind(repos.profiles(tenant_id)).update(user_id, changes)
    return profile.model_copy(update=changes)


def reactivate_user(uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str) -> UserProfile:
    """Reactivate one user (cancelling a pending de-identification); a de-identified user
    cannot come back (``users/deidentified``)."""
    profile = _reachable_target(uow, ctx, tenant_id, user_id)
    if profile.deidentified:
        raise FailedPrecondition("The user was de-identified", type="users/deidentified")
    if not profile.disabled:
        return profile
    uow.bind(repos.profiles(tenant_id)).update(user_id, ENABLE_CHANGES)
    return profile.model_copy(update=ENABLE_CHANGES)


# -- bulk: every user of a tenant -------------------------------------------------------------
STATE_FIELDS = ("tenant_id", "type", "roles", "disabled", "disabled_by", "deidentified")
"""All a bulk page needs to know of a profile (a projection: a quarter of the read time)."""


def _page(job: SweepJob, cursor: str | None) -> Page[UserProfile]:
    profiles = repos.profiles(job.tenant_id)
    return profiles.query(limit=PAGE_SIZE, cursor=cursor, fields=STATE_FIELDS)


def _actor_allows(job: SweepJob) -> Callable[[UserProfile], bool]:
    """A test of whether the job's actor may act on a user: an admin's bulk run records their
    roles (``actorRoles``) and skips users above their station; a tenant's own run has none."""
    if "actorRoles" not in job.params:
        return lambda user: True
    actor = AuthContext(
        uid=str(job.params.get("by", "")),
        roles=tuple(job.params["actorRoles"]),
        platform_admin=bool(job.params.get("actorPlatformAdmin")),
    )
    verdicts: dict[frozenset[str], bool] = {}  # a page holds a handful of distinct role sets

    def allows(user: UserProfile) -> bool:
        roles = frozenset(user.roles)
        if roles not in verdicts:
            verdicts[roles] = may_act_on(actor, roles)
        return verdicts[roles]

    return allows


def deactivation_targets(job: SweepJob, users: list[UserProfile]) -> list[UserProfile]:
    """Whom a deactivation page changes. Set semantics: users already disabled, platform
    admins, the one who asked and users above the actor's station are left alone, so a second
    pass changes nothing."""
    spared = job.params.get("exceptUserId")
    allowed = _actor_allows(job)
    return [
        u
        for u in users
        if not u.disabled
        and u.type is not UserType.PLATFORM_ADMIN
        and u.id != spared
        and allowed(u)
    ]


def reactivation_targets(job: SweepJob, users: list[UserProfile]) -> list[UserProfile]:
    """Whom a reactivation page re-enables: disabled users (only those ``onlyDisabledBy``
    disabled, when given) within the actor's station; the de-identified stay as they are."""
    only = job.params.get("onlyDisabledBy")
    allowed = _actor_allows(job)
    return [
        u
        for u in users
        if u.disabled
        and not u.deidentified
        and (only is None or u.disabled_by == only)
        and allowed(u)
    ]


def _deactivate_page(job: SweepJob, users: list[UserProfile]) -> int:
    by = str(job.params.get("by", ""))
    keep = retention(job.tenant_id)
    now = datetime.now(UTC)
    return repos.profiles(job.tenant_id).update_many(
        (u.id, disable_changes(u, by, now, keep)) for u in deactivation_targets(job, users)
    )


def _reactivate_page(job: SweepJob, users: list[UserProfile]) -> int:
    return repos.profiles(job.tenant_id).update_many(
        (u.id, ENABLE_CHANGES) for u in reactivation_targets(job, users)
    )


SWEEPER = Sweeper(
    collection="_userJobs",
    task_function="userSweepTenantUsers",
    kinds={
        DEACTIVATE: SweepKind(read_page=_page, process=_deactivate_page),
        REACTIVATE: SweepKind(read_page=_page, process=_reactivate_page),
    },
)


def deactivate_all(ctx: AuthContext, tenant_id: str, request_id: str) -> str:
    """Deactivate every user of the tenant but the caller and those above the caller's station
    (once per ``request_id``); the job."""
    params = {"by": ctx.uid, "exceptUserId": ctx.uid, **_actor_params(ctx)}
    return SWEEPER.start(tenant_id, DEACTIVATE, f"request:{ctx.uid}:{request_id}", params)


def reactivate_all(ctx: AuthContext, tenant_id: str, request_id: str) -> str:
    """Reactivate every disabled user of the tenant but those above the caller's station (once
    per ``request_id``); the job."""
    params = {"by": ctx.uid, **_actor_params(ctx)}
    return SWEEPER.start(tenant_id, REACTIVATE, f"request:{ctx.uid}:{request_id}", params)


def _actor_params(ctx: AuthContext) -> dict[str, Any]:
    return {"actorRoles": list(ctx.roles), "actorPlatformAdmin": ctx.platform_admin}


def job_status(tenant_id: str, job_id: str) -> SweepJob:
    return SWEEPER.jobs(tenant_id).require(job_id)


def follow_tenant_status(tenant_id: str, event_type: str, event_id: str) -> None:
    """A tenant's deactivation (``customer.deactivated``) deactivates its users, marked as
    disabled by the tenant; its reactivation re-enables only those. The job id derives from the
    event id, so a re-delivered event starts nothing new."""
    if event_type == "customer.deactivated":
        SWEEPER.start(tenant_id, DEACTIVATE, event_id, {"by": DISABLED_BY_TENANT})
    elif event_type == "customer.reactivated":
        SWEEPER.start(tenant_id, REACTIVATE, event_id, {"onlyDisabledBy": DISABLED_BY_TENANT})
