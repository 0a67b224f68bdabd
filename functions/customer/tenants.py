"""Commands on the tenant document itself: create (platform admins), get and update.

Creating a customer writes the tenant, its headquarters location and the first admin's
invitation in one atomic batch: either the customer exists completely or not at all.
"""

from __future__ import annotations

from typing import Any

from customer import catalog
from customer import repositories as repos
from customer.invitations import announce_invitation, new_invitation
from customer.models.tenants import (
    CreateCustomer,
    CreatedCustomer,
    Location,
    Tenant,
    UpdateCustomer,
)
from shared.auth_context import AuthContext
from shared.errors import InvalidArgument, PermissionDenied
from shared.unit_of_work import UnitOfWork, in_batch

FIRST_ADMIN_ROLES = ["tenant-admin"]


def _check_products(products: list[str]) -> None:
    unknown = catalog.unknown_products(products)
    if unknown:
        raise InvalidArgument(
            f"Unknown products: {', '.join(unknown)}",
            fields=[{"field": "products", "message": f"unknown: {', '.join(unknown)}"}],
        )


def create_customer(ctx: AuthContext, command: CreateCustomer) -> CreatedCustomer:
    _check_products(command.products)
    tenants = repos.tenants()
    tenant_id = tenants.new_id()
    tenant = Tenant(
        id=tenant_id,
        name=command.name,
        products=sorted(set(command.products)),
        address=command.address,
        admin_email=command.admin_email,
        created_by=ctx.uid,
    )
    locations, invitations = repos.locations(tenant_id), repos.invitations(tenant_id)
    headquarters = Location(
        id=locations.new_id(),
        tenant_id=tenant_id,
        name="Headquarters",
        address=command.address,
        headquarters=True,
    )
    invitation, token = new_invitation(tenant_id, command.admin_email, FIRST_ADMIN_ROLES, ctx.uid)

    def write(uow: UnitOfWork) -> None:
        uow.bind(tenants).create(tenant)
        uow.bind(locations).create(headquarters)
        uow.bind(invitations).create(invitation)

    in_batch(write)
    announce_invitation(invitation, token)
    return CreatedCustomer(
        tenant_id=tenant_id,
        tenant=tenant,
        location_id=headquarters.id,
        invitation_id=invitation.id,
        invitation_token=token,
    )


def get_customer(tenant_id: str) -> Tenant:
    return repos.tenants().require(tenant_id)


def update_customer(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, command: UpdateCustomer
) -> Tenant:
    """Change name, address, settings; products only by platform admins (they are billed)."""
    changes: dict[str, Any] = {
        name: getattr(command, name)
        for name in sorted(command.model_fields_set & {"name", "address", "settings", "products"})
        if getattr(command, name) is not None
    }
    if "products" in changes:
        if not ctx.platform_admin:
            raise PermissionDenied(
                "Only platform admins change a tenant's products", type="tenant/products-locked"
            )
        _check_products(changes["products"])
        changes["products"] = sorted(set(changes["products"]))
    tenants = uow.bind(repos.tenants())
    tenant = tenants.require(tenant_id)
    if changes:
        tenants.update(tenant_id, changes)
    return Tenant.model_validate({**tenant.model_dump(), **changes})
