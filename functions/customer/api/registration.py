"""Callables for a tenant's registration settings and domains (tenant admins; platform admins
for any tenant; platform admins approve domains). They change who can get into a tenant, so the
caller's token is checked for revocation."""

from __future__ import annotations

from customer import domains
from customer.models.domains import (
    DomainAnswer,
    DomainRef,
    RegistrationAnswer,
    UpdateRegistration,
)
from customer.models.tenants import CustomerRef
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(UpdateRegistration, permission="tenant.registration.manage", check_revoked=True)
def customer_update_registration(ctx: AuthContext, req: UpdateRegistration) -> RegistrationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    settings, claimed = in_transaction(
        lambda uow: domains.update_registration(uow, ctx, tenant_id, req)
    )
    return RegistrationAnswer(tenant_id=tenant_id, registration=settings, domains=claimed)


@on_call()
@callable_endpoint(CustomerRef, permission="tenant.registration.manage")
def customer_get_registration(ctx: AuthContext, req: CustomerRef) -> RegistrationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    settings, claimed = domains.list_domains(tenant_id)
    return RegistrationAnswer(tenant_id=tenant_id, registration=settings, domains=claimed)


@on_call()
@callable_endpoint(DomainRef, permission="tenant.registration.manage", check_revoked=True)
def customer_verify_domain(ctx: AuthContext, req: DomainRef) -> DomainAnswer:
    """Look for the claim's TXT record on the domain; verified once it is there."""
    tenant_id = ctx.tenant(req.tenant_id)
    claim = domains.verify_domain(ctx, tenant_id, req.domain)
    return DomainAnswer(tenant_id=tenant_id, domain=claim.public())


@on_call()
@callable_endpoint(DomainRef, permission="customers.domains.approve", check_revoked=True)
def customer_approve_domain(ctx: AuthContext, req: DomainRef) -> DomainAnswer:
    """Platform admins vouch for a claimed domain where DNS cannot prove it."""
    claim = domains.approve_domain(ctx, req.domain)
    return DomainAnswer(tenant_id=claim.tenant_id, domain=claim.public())
