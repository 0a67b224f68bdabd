"""A tenant's lifecycle: active -> deactivated (grace period) -> active again, or closed.

Deactivation changes the tenant's status and revokes every API key in one unit of work, so no
external system gets in after the call returns. The rest follows through events: the tenant
document's trigger emits ``customer.deactivated``, on which the auth service disables the
tenant's users and revokes their sessions (``customer.reactivated`` undoes it). A scheduled job
closes tenants whose grace period has ended; closing is final.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from customer import repositories as repos
from customer.models.lifecycle import DeactivateCustomer
from customer.models.tenants import Deactivation, Tenant, TenantStatus
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, InvalidArgument
from shared.repository import where
from shared.unit_of_work import UnitOfWork, in_transaction

DEFAULT_GRACE_PERIOD = timedelta(days=30)
MAX_GRACE_PERIOD = timedelta(days=365)


def _grace_period_end(requested: datetime | None, now: datetime) -> datetime:
    ends = requested or now + DEFAULT_GRACE_PERIOD
    if ends.tzinfo is None:
        ends = ends.replace(tzinfo=UTC)
    if not now < ends <= now + MAX_GRACE_PERIOD:
        raise InvalidArgument(
            "The grace period must end in the future, within a year",
            fields=[{"field": "gracePeriodEndsAt", "message": "in the future, within a year"}],
        )
    return ends


def deactivate_customer(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, command: DeactivateCustomer
) -> tuple[Tenant, int]:
    """Deactivate the tenant and revoke its API keys; the tenant and how many keys were revoked.

    Deactivating a deactivated tenant changes nothing (a retried call is harmless).
    """
    from customer import keys  # only deactivation needs the key machinery

    now = datetime.now(UTC)
    ends = _grace_period_end(command.grace_period_ends_at, now)
    tenants = uow.bind(repos.tenants())
    tenant = tenants.require(tenant_id)
    if tenant.status is TenantStatus.CLOSED:
        raise FailedPrecondition("The tenant is closed", type="tenant/closed")
    if tenant.status is TenantStatus.DEACTIVATED:
        return tenant, 0
    revoked = len(keys.revoke_all_keys(uow, tenant_id))
    deactivation = Deactivation(
        reason=command.reason,
        feedback=command.feedback,
        recommendation_score=command.recommendation_score,
        deactivated_at=now,
        deactivated_by=ctx.uid,
        grace_period_ends_at=ends,
    )
    changes = {"status": TenantStatus.DEACTIVATED, "deactivation": deactivation}
    tenants.update(tenant_id, changes)
    return tenant.model_copy(update=changes), revoked


def reactivate_customer(uow: UnitOfWork, tenant_id: str) -> Tenant:
    """Reactivate a deactivated tenant within its grace period (reactivating an active tenant
    changes nothing). Its API keys stay revoked: external systems get new ones."""
    tenants = uow.bind(repos.tenants())
    tenant = tenants.require(tenant_id)
    if tenant.status is TenantStatus.ACTIVE:
        return tenant
    now = datetime.now(UTC)
    if tenant.status is TenantStatus.CLOSED or (
        tenant.deactivation is not None and tenant.deactivation.grace_period_ends_at <= now
    ):
        raise FailedPrecondition(
            "The grace period has ended; the tenant cannot be reactivated",
            type="tenant/grace-period-ended",
        )
    changes = {"status": TenantStatus.ACTIVE, "reactivated_at": now}
    tenants.update(tenant_id, changes)
    return tenant.model_copy(update=changes)


def close_if_expired(uow: UnitOfWork, tenant_id: str, now: datetime) -> bool:
    """Close the tenant if it is still deactivated with its grace period ended (a
    reactivation may have won the race); whether it closed."""
    tenants = uow.bind(repos.tenants())
    tenant = tenants.require(tenant_id)
    if (
        tenant.status is not TenantStatus.DEACTIVATED
        or tenant.deactivation is None
        or tenant.deactivation.grace_period_ends_at > now
    ):
        return False
    tenants.update(tenant_id, {"status": TenantStatus.CLOSED, "closed_at": now})
    return True


def close_expired_tenants(now: datetime | None = None) -> int:
    """Close every deactivated tenant whose grace period has ended; how many were closed.

    Each tenant is re-checked in its own unit (:func:`close_if_expired`); re-running closes
    nothing twice, since closed tenants no longer match.
    """
    at = now or datetime.now(UTC)
    expired = repos.tenants().stream_all(
        where("status", "==", TenantStatus.DEACTIVATED),
        where("deactivation.gracePeriodEndsAt", "<=", at),
    )
    return sum(in_transaction(_closing(candidate.id, at)) for candidate in expired)


def _closing(tenant_id: str, now: datetime) -> Callable[[UnitOfWork], bool]:
    return lambda uow: close_if_expired(uow, tenant_id, now)
