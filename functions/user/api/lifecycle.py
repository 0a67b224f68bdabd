"""Callables of user deactivation and reactivation (``users.lifecycle.manage``), one user or
every user of the tenant. They change who can get in, so tokens are checked for revocation."""

from __future__ import annotations

from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction
from user import lifecycle
from user.models.lifecycle import BulkRequest, JobAnswer, JobRef, LifecycleAnswer, UserRef
from user.models.profiles import UserProfile

PERMISSION = "users.lifecycle.manage"


def _answer(profile: UserProfile) -> LifecycleAnswer:
    return LifecycleAnswer(
        user_id=profile.id, disabled=profile.disabled, deidentify_at=profile.deidentify_at
    )


def _job(tenant_id: str, job_id: str) -> JobAnswer:
    job = lifecycle.job_status(tenant_id, job_id)
    return JobAnswer(
        job_id=job.id, kind=job.kind, status=job.status, scanned=job.scanned, changed=job.changed
    )


@on_call()
@callable_endpoint(UserRef, permission=PERMISSION, check_revoked=True)
def user_deactivate(ctx: AuthContext, req: UserRef) -> LifecycleAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    keep = lifecycle.retention(tenant_id)  # the tenant's setting, read before the unit
    return _answer(
        in_transaction(
            lambda uow: lifecycle.deactivate_user(uow, ctx, tenant_id, req.user_id, keep=keep)
        )
    )


@on_call()
@callable_endpoint(UserRef, permission=PERMISSION, check_revoked=True)
def user_reactivate(ctx: AuthContext, req: UserRef) -> LifecycleAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    return _answer(
        in_transaction(lambda uow: lifecycle.reactivate_user(uow, ctx, tenant_id, req.user_id))
    )


@on_call()
@callable_endpoint(BulkRequest, permission=PERMISSION, check_revoked=True)
def user_bulk_deactivate(ctx: AuthContext, req: BulkRequest) -> JobAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    return _job(tenant_id, lifecycle.deactivate_all(ctx, tenant_id, req.request_id))


@on_call()
@callable_endpoint(BulkRequest, permission=PERMISSION, check_revoked=True)
def user_bulk_reactivate(ctx: AuthContext, req: BulkRequest) -> JobAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    return _job(tenant_id, lifecycle.reactivate_all(ctx, tenant_id, req.request_id))


@on_call()
@callable_endpoint(JobRef, permission=PERMISSION)
def user_get_bulk_job(ctx: AuthContext, req: JobRef) -> JobAnswer:
    return _job(ctx.tenant(req.tenant_id), req.job_id)
