"""The organisation's rules on the in-memory unit of work: headquarters moves, deactivation and
read-only entries, a client's scope (``customer.organisation``), without Firestore."""

from __future__ import annotations

from typing import Any

import pytest

from customer import organisation
from customer import repositories as repos
from customer.models.organisation import (
    Client,
    Contact,
    ContactType,
    CreateOrgEntry,
    OrgEntryRef,
    UpdateOrgEntry,
)
from customer.models.tenants import Location
from shared.errors import FailedPrecondition, InvalidArgument, NotFound
from shared.models import PostalAddress
from tests.support.fake_uow import FakeUnitOfWork

TENANT = "t1"
ADDRESS = PostalAddress(line1="1 Main St", city="Springfield", country="US")


def location(doc_id: str, *, headquarters: bool = False, client_id: str | None = None) -> Location:
    return Location(
        id=doc_id,
        tenant_id=TENANT,
        client_id=client_id,
        name=doc_id,
        address=ADDRESS,
        headquarters=headquarters,
    )


def tenant_scope() -> FakeUnitOfWork:
    """A tenant whose own scope has its headquarters ``hq`` and one branch ``branch``."""
    uow = FakeUnitOfWork()
    uow.seed(
        repos.org_locations(TENANT),
        location("hq", headquarters=True),
        location("branch"),
    )
    return uow


def stored_locations(uow: FakeUnitOfWork, client_id: str | None = None) -> dict[str, Location]:
    return uow.store.get(str(repos.org_locations(TENANT, client_id).path), {})


def headquarters(uow: FakeUnitOfWork, client_id: str | None = None) -> list[str]:
    return sorted(i for i, loc in stored_locations(uow, client_id).items() if loc.headquarters)


def created_location(uow: FakeUnitOfWork, command: Any) -> Location:
    entry = uow.run(lambda u: organisation.create_entry(u, TENANT, command))
    assert isinstance(entry, Location)
    return entry


def create(payload: dict[str, Any]) -> Any:
    return CreateOrgEntry.model_validate(payload).root


def update(payload: dict[str, Any]) -> Any:
    return UpdateOrgEntry.model_validate(payload).root


def new_location(headquarters: bool, client_id: str | None = None) -> Any:
    payload: dict[str, Any] = {
        "kind": "location",
        "name": "New",
        "address": ADDRESS.model_dump(by_alias=True, exclude_none=True),
        "headquarters": headquarters,
    }
    if client_id is not None:
        payload["clientId"] = client_id
    return create(payload)


def test_a_new_headquarters_takes_over_and_the_old_one_is_unset_in_the_same_unit():
    uow = tenant_scope()

    created = created_location(uow, new_location(True))

    assert created.headquarters is True
    assert headquarters(uow) == [created.id]
    assert stored_locations(uow)["hq"].headquarters is False


def test_a_new_location_not_asked_to_be_headquarters_leaves_the_headquarters_where_it_is():
    uow = tenant_scope()

    created = created_location(uow, new_location(False))

    assert created.headquarters is False
    assert headquarters(uow) == ["hq"]


def test_the_first_location_of_a_clients_scope_becomes_its_headquarters_unasked():
    uow = FakeUnitOfWork()
    uow.seed(repos.clients(TENANT), Client(id="c1", tenant_id=TENANT, name="Client"))

    created = created_location(uow, new_location(False, client_id="c1"))

    assert created.headquarters is True
    assert headquarters(uow, "c1") == [created.id]
    assert headquarters(uow) == []  # the tenant's own scope is another scope


def test_moving_the_headquarters_by_update_unsets_the_previous_one():
    uow = tenant_scope()
    command = update({"kind": "location", "id": "branch", "headquarters": True})

    moved = uow.run(lambda u: organisation.update_entry(u, TENANT, command))

    assert isinstance(moved, Location) and moved.headquarters is True
    assert headquarters(uow) == ["branch"]


def test_the_headquarters_cannot_just_be_unset_and_nothing_is_written():
    uow = tenant_scope()
    before = dict(stored_locations(uow))
    command = update({"kind": "location", "id": "hq", "headquarters": False})

    with pytest.raises(FailedPrecondition) as refused:
        uow.run(lambda u: organisation.update_entry(u, TENANT, command))

    assert refused.value.type == "organisation/headquarters"
    assert stored_locations(uow) == before


def test_the_headquarters_cannot_be_deactivated():
    uow = tenant_scope()
    ref = OrgEntryRef(kind="location", id="hq")

    with pytest.raises(FailedPrecondition) as refused:
        uow.run(lambda u: organisation.deactivate_entry(u, TENANT, ref))

    assert refused.value.type == "organisation/headquarters"
    assert stored_locations(uow)["hq"].active is True


def test_deactivating_twice_answers_inactive_and_the_second_time_writes_nothing():
    uow = tenant_scope()
    ref = OrgEntryRef(kind="location", id="branch")
    first = uow.run(lambda u: organisation.deactivate_entry(u, TENANT, ref))
    after_first = stored_locations(uow)["branch"]

    second = uow.run(lambda u: organisation.deactivate_entry(u, TENANT, ref))

    assert first.active is second.active is False
    assert stored_locations(uow)["branch"] is after_first


def test_an_inactive_entry_is_read_only():
    uow = tenant_scope()
    ref = OrgEntryRef(kind="location", id="branch")
    uow.run(lambda u: organisation.deactivate_entry(u, TENANT, ref))
    command = update({"kind": "location", "id": "branch", "name": "Renamed"})

    with pytest.raises(FailedPrecondition) as refused:
        uow.run(lambda u: organisation.update_entry(u, TENANT, command))

    assert refused.value.type == "organisation/inactive"
    assert stored_locations(uow)["branch"].name == "branch"


def test_a_deactivated_clients_entries_cannot_change():
    uow = FakeUnitOfWork()
    uow.seed(repos.clients(TENANT), Client(id="c1", tenant_id=TENANT, name="C", active=False))

    with pytest.raises(FailedPrecondition) as refused:
        created_location(uow, new_location(False, "c1"))

    assert refused.value.type == "organisation/client-inactive"
    assert stored_locations(uow, "c1") == {}


def test_an_unknown_clients_entries_are_not_found():
    with pytest.raises(NotFound):
        FakeUnitOfWork().run(
            lambda u: organisation.create_entry(u, TENANT, new_location(False, "nope"))
        )


def test_a_custom_contact_needs_its_label_naming_the_field():
    command = create({"kind": "contact", "type": "custom", "name": "Ann"})

    with pytest.raises(InvalidArgument) as refused:
        FakeUnitOfWork().run(lambda u: organisation.create_entry(u, TENANT, command))

    assert [f["field"] for f in refused.value.fields] == ["contact.customLabel"]


def test_a_label_left_over_from_a_change_of_type_is_dropped():
    uow = FakeUnitOfWork()
    uow.seed(
        repos.contacts(TENANT),
        Contact(
            id="k1", tenant_id=TENANT, type=ContactType.CUSTOM, custom_label="Chef", name="Ann"
        ),
    )
    command = update({"kind": "contact", "id": "k1", "type": "billing"})

    changed = uow.run(lambda u: organisation.update_entry(u, TENANT, command))

    assert isinstance(changed, Contact) and changed.custom_label is None
    assert uow.store[str(repos.contacts(TENANT).path)]["k1"].custom_label is None


class MovedMeanwhile(FakeUnitOfWork):
    """Another command moves the headquarters to ``branch`` right after this unit's first
    query found ``hq`` (a query takes no lock), as a concurrent move would."""

    def bind(self, repository: Any) -> Any:
        bound = super().bind(repository)
        find, uow = bound.find, self

        def find_then_move(*filters: Any, limit: int | None = None) -> list[Any]:
            found = find(*filters, limit=limit)
            if uow.attempts == 1:
                docs = uow.store[str(repos.org_locations(TENANT).path)]
                docs["hq"] = docs["hq"].model_copy(update={"headquarters": False})
                docs["branch"] = docs["branch"].model_copy(update={"headquarters": True})
            return found

        bound.find = find_then_move  # type: ignore[method-assign]
        return bound


def test_a_headquarters_moved_meanwhile_runs_the_unit_again_and_leaves_one_headquarters():
    uow = MovedMeanwhile()
    uow.seed(repos.org_locations(TENANT), location("hq", headquarters=True), location("branch"))

    created = created_location(uow, new_location(True))

    assert uow.attempts == 2
    assert headquarters(uow) == [created.id]
