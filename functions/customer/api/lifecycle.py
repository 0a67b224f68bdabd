"""Callables of the tenant lifecycle: ``customer_deactivate`` (tenant admins for their own
tenant, platform admins for any) and ``customer_reactivate`` (platform admins: by then the
tenant's own admins are disabled). Both change who can get in, so tokens are checked for
revocation."""

from __future__ import annotations

from customer import lifecycle
from customer.models.lifecycle import DeactivateCustomer, LifecycleAnswer, ReactivateCustomer
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(DeactivateCustomer, permission="tenant.lifecycle.manage", check_revoked=True)
def customer_deactivate(ctx: AuthContext, req: DeactivateCustomer) -> LifecycleAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    tenant, revoked = in_transaction(
        lambda uow: lifecycle.deactivate_customer(uow, ctx, tenant_id, req)
    )
    return LifecycleAnswer(tenant_id=tenant_id, tenant=tenant, api_keys_revoked=revoked)


@on_call()
@callable_endpoint(ReactivateCustomer, permission="customers.reactivate", check_revoked=True)
def customer_reactivate(ctx: AuthContext, req: ReactivateCustomer) -> LifecycleAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    tenant = in_transaction(lambda uow: lifecycle.reactivate_customer(uow, tenant_id))
    return LifecycleAnswer(tenant_id=tenant_id, tenant=tenant)
