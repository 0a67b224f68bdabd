"""Callables for the organisation inside a tenant (:mod:`customer.organisation`): four functions
for every ``kind`` (``client``, ``department``, ``location``, ``contact``), each entry the
tenant's own or, with ``clientId``, one client's. Members read; writes need
``tenant.organisation.manage``; platform admins name the tenant (``tenantId``)."""

from __future__ import annotations

from customer import organisation
from customer.models.organisation import (
    CreateOrgEntry,
    ListOrgEntries,
    OrgEntryAnswer,
    OrgEntryPage,
    OrgEntryRef,
    UpdateOrgEntry,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction

READ = "tenant.organisation.read"
MANAGE = "tenant.organisation.manage"


@on_call()
@callable_endpoint(CreateOrgEntry, permission=MANAGE)
def customer_create_org_entry(ctx: AuthContext, req: CreateOrgEntry) -> OrgEntryAnswer:
    command = req.root
    tenant_id = ctx.tenant(command.tenant_id)
    entry = in_transaction(lambda uow: organisation.create_entry(uow, tenant_id, command))
    return OrgEntryAnswer(kind=command.kind, id=entry.id, item=entry)


@on_call()
@callable_endpoint(UpdateOrgEntry, permission=MANAGE)
def customer_update_org_entry(ctx: AuthContext, req: UpdateOrgEntry) -> OrgEntryAnswer:
    command = req.root
    tenant_id = ctx.tenant(command.tenant_id)
    entry = in_transaction(lambda uow: organisation.update_entry(uow, tenant_id, command))
    return OrgEntryAnswer(kind=command.kind, id=entry.id, item=entry)


@on_call()
@callable_endpoint(OrgEntryRef, permission=MANAGE)
def customer_deactivate_org_entry(ctx: AuthContext, req: OrgEntryRef) -> OrgEntryAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    entry = in_transaction(lambda uow: organisation.deactivate_entry(uow, tenant_id, req))
    return OrgEntryAnswer(kind=req.kind, id=entry.id, item=entry)


@on_call()
@callable_endpoint(ListOrgEntries, permission=READ)
def customer_list_org_entries(ctx: AuthContext, req: ListOrgEntries) -> OrgEntryPage:
    page = organisation.list_entries(ctx.tenant(req.tenant_id), req)
    return OrgEntryPage(kind=req.kind, items=page.items, next_cursor=page.next_cursor)
