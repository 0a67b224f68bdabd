"""A tenant's lifecycle: active -> deactivated (grace period) -> active again, or closed.

Deactivation changes the tenant's status and revokes every API key in one transaction, so no
external system gets in after the call returns. The rest follows through events: the tenant
document's trigger emits ``customer.deactivated``, on which the auth service disables the
tenant's users and revokes their sessions (``customer.reactivated`` undoes it). A scheduled job
closes tenants whose grace period has ended; closing is final.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from customer import repositories as repos
from customer.models.lifecycle import DeactivateCustomer
from customer.models.tenants import Deactivation, Tenant, TenantStatus
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, InvalidArgument
from shared.repository import where
from shared.transactions import run_transaction

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
    ctx: AuthContext, tenant_id: str, command: DeactivateCustomer
) -> tuple[Tenant, int]:
    """Deactivate the tenant and revoke its API keys; the tenant and how many keys were revoked.

    Deactivating a deactivated tenant changes nothing (a retried call is harmless).
    """
    from customer import keys  # only deactivation needs the key machinery

    now = datetime.now(UTC)
    ends = _grace_period_end(command.grace_period_ends_at, now)
    repo = repos.tenants()

    def work(txn: Any) -> tuple[Tenant, int]:
        tenant = repo.require(tenant_id, transaction=txn)
        if tenant.status is TenantStatus.CLOSED:
            raise FailedPrecondition("The tenant is closed", type="tenant/closed")
        if tenant.status is TenantStatus.DEACTIVATED:
            return tenant, 0
        revoked = len(keys.revoke_all_keys(tenant_id, txn))
        deactivation = Deactivation(
            reason=command.reason,
            feedback=command.feedback,
            recommendation_score=command.recommendation_score,
            deactivated_at=now,
            deactivated_by=ctx.uid,
            grace_period_ends_at=ends,
        )
        changes = {"status": TenantStatus.DEACTIVATED, "deactivation": deactivation}
        repo.update(tenant_id, changes, writer=txn)
        return tenant.model_copy(update=changes), revoked

    return run_transaction(work)


def reactivate_customer(tenant_id: str) -> Tenant:
    """Reactivate a deactivated tenant within its grace period (reactivating an active tenant
    changes nothing). Its API keys stay revoked: external systems get new ones."""
    repo = repos.tenants()

    def work(txn: Any) -> Tenant:
        tenant = repo.require(tenant_id, transaction=txn)
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
        repo.update(tenant_id, changes, writer=txn)
        return tenant.model_copy(update=changes)

    return run_transaction(work)


def close_expired_tenants(now: datetime | None = None) -> int:
    """Close every deactivated tenant whose grace period has ended; how many were closed.

    Each tenant is re-checked in its own transaction (a reactivation may have won the race);
    re-running closes nothing twice, since closed tenants no longer match.
    """
    now = now or datetime.now(UTC)
    repo = repos.tenants()
    expired = repo.stream_all(
        where("status", "==", TenantStatus.DEACTIVATED),
        where("deactivation.gracePeriodEndsAt", "<=", now),
    )
    closed = 0
    for candidate in expired:

        def work(txn: Any, tenant_id: str = candidate.id) -> bool:
            tenant = repo.require(tenant_id, transaction=txn)
            if (
                tenant.status is not TenantStatus.DEACTIVATED
                or tenant.deactivation is None
                or tenant.deactivation.grace_period_ends_at > now
            ):
                return False
            repo.update(tenant_id, {"status": TenantStatus.CLOSED, "closed_at": now}, writer=txn)
            return True

        closed += run_transaction(work)
    return closed
