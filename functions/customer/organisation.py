"""Organisation data inside a tenant: clients, departments, locations and contacts.

One set of commands serves every kind: an entry belongs to the tenant, or to one of its clients
(``tenants/{t}/clients/{c}/departments/...``), and a client's entries can only be changed while
that client exists and is active. Entries are never deleted: deactivating sets ``active: false``
(twice is harmless) and an inactive entry is read-only.

Each scope has exactly one headquarters location once it has a location at all: the first
location of a scope becomes it, and making another location the headquarters unsets the
previous one in the same transaction. The headquarters cannot be deactivated or just unset.

The commands take a unit of work (``shared.unit_of_work``); the callables run them in a
transaction, and ``tests/unit/test_organisation_rules.py`` runs them on the in-memory fake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from customer import repositories as repos
from customer.models.organisation import (
    Client,
    Contact,
    ContactType,
    EntryCreate,
    EntryUpdate,
    ListOrgEntries,
    OrgEntry,
    OrgEntryRef,
    OrgKind,
)
from customer.models.tenants import Location
from shared.errors import FailedPrecondition, InvalidArgument
from shared.repository import CollectionRepository, Order, Page, where
from shared.unit_of_work import StaleRead, UnitOfWork

_ENVELOPE = {"kind", "tenant_id", "client_id", "id"}
"""Request fields that say where an entry is, not what it holds."""
HEADQUARTERS_SCAN = 10
"""More headquarters than this in one scope cannot happen; a few are read to repair any."""

_REPOSITORIES: dict[OrgKind, Callable[[str, str | None], CollectionRepository[Any]]] = {
    "client": lambda tenant_id, _client_id: repos.clients(tenant_id),
    "department": repos.departments,
    "location": repos.org_locations,
    "contact": repos.contacts,
}


def repository(tenant_id: str, kind: OrgKind, client_id: str | None) -> CollectionRepository[Any]:
    """The collection of ``kind`` in the tenant, or in one of its clients."""
    return _REPOSITORIES[kind](tenant_id, client_id)


# -- commands ---------------------------------------------------------------------------------
def create_entry(uow: UnitOfWork, tenant_id: str, command: EntryCreate) -> OrgEntry:
    """Create an entry of the command's kind; a location may become its scope's headquarters."""
    client_id = getattr(command, "client_id", None)
    entries = uow.bind(repository(tenant_id, command.kind, client_id))
    fields = {
        name: getattr(command, name) for name in type(command).model_fields.keys() - _ENVELOPE
    }
    scope = {} if command.kind == "client" else {"client_id": client_id}
    model = repository(tenant_id, command.kind, client_id).model
    entry: OrgEntry = model(id=entries.new_id(), tenant_id=tenant_id, **scope, **fields)
    if isinstance(entry, Contact):
        entry = _checked_contact(entry, label_given=entry.custom_label is not None)
    if client_id is not None:
        _require_active_client(uow, tenant_id, client_id)
    if isinstance(entry, Location):
        headquarters = _move_headquarters(
            uow, tenant_id, client_id, entry.id, wanted=entry.headquarters
        )
        entry = entry.model_copy(update={"headquarters": headquarters})
    return entries.create(entry)


def update_entry(uow: UnitOfWork, tenant_id: str, command: EntryUpdate) -> OrgEntry:
    """Change the fields the command names (an inactive entry is read-only)."""
    client_id = getattr(command, "client_id", None)
    entries = uow.bind(repository(tenant_id, command.kind, client_id))
    changes: dict[str, Any] = {
        name: getattr(command, name) for name in command.model_fields_set - _ENVELOPE
    }
    if client_id is not None:
        _require_active_client(uow, tenant_id, client_id)
    current = entries.require(command.id)
    _require_active(command.kind, current)
    if isinstance(current, Location) and "headquarters" in changes:
        if not changes["headquarters"] and current.headquarters:
            raise FailedPrecondition(
                "A scope keeps its headquarters: make another location the headquarters",
                type="organisation/headquarters",
            )
        if changes["headquarters"] and not current.headquarters:
            _move_headquarters(uow, tenant_id, client_id, current.id, wanted=True)
    updated = type(current).model_validate({**dict(current), **changes})
    if isinstance(updated, Contact):
        updated = _checked_contact(updated, label_given="custom_label" in changes)
        if updated.custom_label != current.custom_label:
            changes["custom_label"] = updated.custom_label
    if changes:
        entries.update(current.id, changes)
    return updated


def deactivate_entry(uow: UnitOfWork, tenant_id: str, ref: OrgEntryRef) -> OrgEntry:
    """Set ``active: false``; deactivating an inactive entry changes nothing."""
    entries = uow.bind(repository(tenant_id, ref.kind, ref.client_id))
    if ref.client_id is not None:
        _require_active_client(uow, tenant_id, ref.client_id)
    current = entries.require(ref.id)
    if not current.active:
        return current
    if isinstance(current, Location) and current.headquarters:
        raise FailedPrecondition(
            "The headquarters cannot be deactivated: make another location the headquarters",
            type="organisation/headquarters",
        )
    entries.update(current.id, {"active": False})
    return current.model_copy(update={"active": False})


def list_entries(tenant_id: str, query: ListOrgEntries) -> Page[Any]:
    """Entries by name (then id), optionally only the active or inactive ones; cursor paging.

    A client's entries are listed while the client exists, active or not (they are history).
    """
    if query.client_id is not None:
        repos.clients(tenant_id).require(query.client_id)
    filters = [where("active", "==", query.active)] if query.active is not None else []
    return repository(tenant_id, query.kind, query.client_id).query(
        *filters, order_by=[Order("name")], limit=query.limit, cursor=query.cursor
    )


# -- rules ------------------------------------------------------------------------------------
def _require_active_client(uow: UnitOfWork, tenant_id: str, client_id: str) -> Client:
    """The client whose entries change: it must exist (``not-found``) and be active.

    Read in the unit, so deactivating the client and changing its data serialise."""
    client = uow.bind(repos.clients(tenant_id)).require(client_id)
    if not client.active:
        raise FailedPrecondition("The client is deactivated", type="organisation/client-inactive")
    return client


def _require_active(kind: OrgKind, entry: OrgEntry) -> None:
    if not entry.active:
        raise FailedPrecondition(
            f"The {kind} is deactivated and read-only", type="organisation/inactive"
        )


def _checked_contact(contact: Contact, *, label_given: bool) -> Contact:
    """A custom contact needs its label; other types carry none (a label left over from a
    change of type is dropped, one given explicitly is refused)."""
    if contact.type is ContactType.CUSTOM:
        if not contact.custom_label:
            raise _invalid_label("required when type is custom")
        return contact
    if contact.custom_label is not None and label_given:
        raise _invalid_label("only a custom contact has a label")
    return contact.model_copy(update={"custom_label": None})


def _invalid_label(message: str) -> InvalidArgument:
    return InvalidArgument(
        f"Invalid request: contact.customLabel ({message})",
        fields=[{"field": "contact.customLabel", "message": message}],
    )


def _move_headquarters(
    uow: UnitOfWork, tenant_id: str, client_id: str | None, location_id: str, *, wanted: bool
) -> bool:
    """Whether ``location_id`` is to be its scope's headquarters; if so, unset the others.

    The current headquarters are found by a query (which takes no lock), then read in the
    unit: if one stopped being the headquarters meanwhile the whole unit runs again
    (``StaleRead``), and two moves of the same scope contend on the same document. A scope with
    no headquarters yet takes this location; for a client's scope the client document is
    touched too, so two first locations created at once cannot both claim it. (The tenant's own
    scope always has one: ``customer_create`` writes it.) Only reads come before the writes.
    """
    locations = uow.bind(repos.org_locations(tenant_id, client_id))
    found = locations.find(where("headquarters", "==", True), limit=HEADQUARTERS_SCAN)
    if found and not wanted:
        return False
    others = [location.id for location in found if location.id != location_id]
    current = locations.get_many(others)
    if any(not (o in current and current[o].headquarters) for o in others):
        raise StaleRead("The headquarters moved meanwhile")
    for other in others:
        locations.update(other, {"headquarters": False})
    if not found and client_id is not None:
        uow.bind(repos.clients(tenant_id)).update(client_id, {})
    return True
