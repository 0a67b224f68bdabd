"""Callables on the tenant document: ``customer_create`` (platform admins), ``customer_get``
and ``customer_update`` (tenant admins for their own tenant; platform admins for any)."""

from __future__ import annotations

from customer import tenants
from customer.models.tenants import (
    CreateCustomer,
    CreatedCustomer,
    CustomerAnswer,
    CustomerRef,
    UpdateCustomer,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(CreateCustomer, permission="customers.create", check_revoked=True)
def customer_create(ctx: AuthContext, req: CreateCustomer) -> CreatedCustomer:
    return tenants.create_customer(ctx, req)


@on_call()
@callable_endpoint(CustomerRef, permission="tenant.read")
def customer_get(ctx: AuthContext, req: CustomerRef) -> CustomerAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    return CustomerAnswer(tenant_id=tenant_id, tenant=tenants.get_customer(tenant_id))


@on_call()
@callable_endpoint(UpdateCustomer, permission="tenant.update", check_revoked=True)
def customer_update(ctx: AuthContext, req: UpdateCustomer) -> CustomerAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    tenant = in_transaction(lambda uow: tenants.update_customer(uow, ctx, tenant_id, req))
    return CustomerAnswer(tenant_id=tenant_id, tenant=tenant)
