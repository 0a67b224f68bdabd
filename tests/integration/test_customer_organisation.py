"""The organisation inside a tenant (clients, departments, locations, contacts) through the
Functions emulator: ``customer_{create,update,list,deactivate}_org_entry``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from customer import repositories as repos
from shared.repository import CollectionRepository
from tests.support.callables import CallableError, call
from tests.support.users import create_user, unique_id

ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "de"}
NEW: dict[str, dict[str, Any]] = {
    "client": {"name": "Northwind", "reference": "C-100", "address": ADDRESS},
    "department": {"name": "Finance", "code": "FIN"},
    "location": {"name": "Depot", "address": ADDRESS},
    "contact": {"type": "billing", "name": "Ada", "email": "Ada@Example.test"},
}
CHANGE: dict[str, tuple[dict[str, Any], str, str]] = {
    "client": ({"name": "Northwind AG"}, "name", "Northwind AG"),
    "department": ({"description": "Pays the bills"}, "description", "Pays the bills"),
    "location": ({"address": {**ADDRESS, "city": "Hamburg"}}, "address", "Hamburg"),
    "contact": ({"type": "custom", "customLabel": "Escalations"}, "custom_label", "Escalations"),
}
KINDS = list(NEW)
SCOPED_KINDS = ["department", "location", "contact"]


@pytest.fixture
def platform_admin():
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def create(user, kind, **fields):
    return call("customer_create_org_entry", {"kind": kind, **NEW[kind], **fields}, user)


def update(user, kind, entry_id, **fields):
    return call("customer_update_org_entry", {"kind": kind, "id": entry_id, **fields}, user)


def deactivate(user, kind, entry_id, **scope):
    return call("customer_deactivate_org_entry", {"kind": kind, "id": entry_id, **scope}, user)


def listing(user, kind, **query):
    return call("customer_list_org_entries", {"kind": kind, **query}, user)


def stored(tenant_id, kind, entry_id, client_id=None):
    if kind == "client":
        return repos.clients(tenant_id).get(entry_id)
    builders: dict[str, Callable[[str, str | None], CollectionRepository[Any]]] = {
        "department": repos.departments,
        "location": repos.org_locations,
        "contact": repos.contacts,
    }
    return builders[kind](tenant_id, client_id).get(entry_id)


def headquarters(tenant_id, client_id=None):
    locations = repos.org_locations(tenant_id, client_id).stream_all()
    return sorted(location.id for location in locations if location.headquarters)


def refused(function, *args, **kwargs) -> CallableError:
    with pytest.raises(CallableError) as error:
        function(*args, **kwargs)
    return error.value


# -- each kind ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_a_tenant_admin_creates_updates_and_lists_each_kind(tenant, kind):
    created = create(tenant.admin, kind)
    change, field, expected = CHANGE[kind]
    updated = update(tenant.admin, kind, created["id"], **change)
    page = listing(tenant.admin, kind)

    entry = stored(tenant.id, kind, created["id"])
    value = getattr(entry, field)
    assert (value.city if field == "address" else value) == expected
    assert (entry.tenant_id, entry.active) == (tenant.id, True)
    assert created["item"]["id"] == updated["id"] == created["id"]
    assert (created["kind"], updated["item"]["active"]) == (kind, True)
    assert [item["id"] for item in page["items"]] == [created["id"]]
    assert "nextCursor" not in page


def test_stored_values_are_normalised_and_camel_cased_on_the_wire(tenant):
    contact = create(tenant.admin, "contact")
    location = create(tenant.admin, "location")

    assert contact["item"]["email"] == "ada@example.test"
    assert location["item"]["address"]["postalCode"] == "10115"
    assert stored(tenant.id, "location", location["id"]).address.country == "DE"


def test_changing_a_custom_contact_to_another_type_drops_its_label(tenant):
    contact = create(tenant.admin, "contact", type="custom", customLabel="Escalations")
    changed = update(tenant.admin, "contact", contact["id"], type="technical")

    assert "customLabel" not in changed["item"]
    assert stored(tenant.id, "contact", contact["id"]).custom_label is None


@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_a_clients_own_entries_live_under_the_client(tenant, kind):
    client = create(tenant.admin, "client")["id"]
    own = create(tenant.admin, kind, clientId=client)
    tenants_own = create(tenant.admin, kind)

    entry = stored(tenant.id, kind, own["id"], client)
    assert (entry.client_id, own["item"]["clientId"]) == (client, client)
    assert stored(tenant.id, kind, own["id"]) is None
    assert [i["id"] for i in listing(tenant.admin, kind, clientId=client)["items"]] == [own["id"]]
    assert [i["id"] for i in listing(tenant.admin, kind)["items"]] == [tenants_own["id"]]
    updated = update(tenant.admin, kind, own["id"], clientId=client, name="Renamed")
    assert updated["item"]["name"] == stored(tenant.id, kind, own["id"], client).name == "Renamed"


def test_a_clients_entries_need_the_client_to_exist_and_be_active(tenant):
    client = create(tenant.admin, "client")["id"]
    department = create(tenant.admin, "department", clientId=client)["id"]
    deactivate(tenant.admin, "client", client)

    missing = refused(create, tenant.admin, "department", clientId="no-such-client")
    inactive = refused(create, tenant.admin, "contact", clientId=client)
    rename = refused(update, tenant.admin, "department", department, clientId=client, name="X")
    listed = listing(tenant.admin, "department", clientId=client)

    assert missing.status == "NOT_FOUND"
    assert (inactive.status, inactive.details["type"]) == (
        "FAILED_PRECONDITION",
        "organisation/client-inactive",
    )
    assert rename.status == "FAILED_PRECONDITION"
    assert [item["id"] for item in listed["items"]] == [department]
    assert repos.contacts(tenant.id, client).count() == 0
    assert stored(tenant.id, "department", department, client).name == "Finance"


# -- lists ----------------------------------------------------------------------------------------
def test_lists_page_by_name_with_a_cursor_and_filter_on_active(tenant):
    names = ["Ops", "Finance", "Legal", "Audit", "Sales"]
    ids = {name: create(tenant.admin, "department", name=name)["id"] for name in names}
    deactivate(tenant.admin, "department", ids["Legal"])

    pages, cursor = [], None
    while True:
        page = listing(
            tenant.member, "department", limit=2, **({"cursor": cursor} if cursor else {})
        )
        pages.append([item["name"] for item in page["items"]])
        cursor = page.get("nextCursor")
        if cursor is None:
            break
    active = listing(tenant.member, "department", active=True, limit=10)["items"]
    inactive = listing(tenant.member, "department", active=False)["items"]

    assert pages == [["Audit", "Finance"], ["Legal", "Ops"], ["Sales"]]
    assert [item["name"] for item in active] == ["Audit", "Finance", "Ops", "Sales"]
    assert [item["id"] for item in inactive] == [ids["Legal"]]


def test_a_cursor_of_another_query_is_invalid_argument(tenant):
    error = refused(listing, tenant.admin, "client", cursor="not-a-cursor")
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["cursor"])


# -- headquarters ---------------------------------------------------------------------------------
def test_making_a_location_the_headquarters_unsets_the_previous_one(platform_admin):
    customer = call(
        "customer_create",
        {
            "name": "Acme",
            "adminEmail": f"{unique_id('boss')}@acme.test",
            "products": ["core"],
            "address": ADDRESS,
        },
        platform_admin,
    )
    tenant_id, first = customer["tenantId"], customer["locationId"]
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])

    plain = create(admin, "location", name="Warehouse")
    assert headquarters(tenant_id) == [first]
    second = create(admin, "location", name="New HQ", headquarters=True)
    assert headquarters(tenant_id) == [second["id"]]
    moved = update(admin, "location", plain["id"], headquarters=True)
    assert headquarters(tenant_id) == [plain["id"]]

    assert (plain["item"]["headquarters"], second["item"]["headquarters"]) == (False, True)
    assert moved["item"]["headquarters"] is True
    assert stored(tenant_id, "location", first).headquarters is False


def test_the_headquarters_is_never_just_unset_nor_deactivated(tenant):
    hq = create(tenant.admin, "location", name="HQ")["id"]

    unset = refused(update, tenant.admin, "location", hq, headquarters=False, name="Renamed")
    ended = refused(deactivate, tenant.admin, "location", hq)

    assert (unset.status, unset.details["type"]) == (
        "FAILED_PRECONDITION",
        "organisation/headquarters",
    )
    assert ended.status == "FAILED_PRECONDITION"
    entry = stored(tenant.id, "location", hq)
    assert (entry.name, entry.headquarters, entry.active) == ("HQ", True, True)


def test_each_scope_has_its_own_headquarters_the_first_location_by_default(tenant):
    client = create(tenant.admin, "client")["id"]
    tenant_hq = create(tenant.admin, "location")["id"]
    client_hq = create(tenant.admin, "location", clientId=client)["id"]
    client_branch = create(tenant.admin, "location", clientId=client)["id"]
    client_new_hq = create(tenant.admin, "location", clientId=client, headquarters=True)["id"]

    assert headquarters(tenant.id) == [tenant_hq]
    assert headquarters(tenant.id, client) == [client_new_hq]
    assert stored(tenant.id, "location", client_hq, client).headquarters is False
    assert stored(tenant.id, "location", client_branch, client).headquarters is False


def test_concurrent_moves_of_the_headquarters_leave_exactly_one(tenant):
    from concurrent.futures import ThreadPoolExecutor

    client = create(tenant.admin, "client")["id"]
    locations = [create(tenant.admin, "location", clientId=client)["id"] for _ in range(3)]

    def move(location_id):
        return update(tenant.admin, "location", location_id, clientId=client, headquarters=True)

    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(move, locations))

    assert all(answer["item"]["headquarters"] for answer in answers)
    assert len(headquarters(tenant.id, client)) == 1


def test_concurrent_first_locations_of_a_client_make_one_headquarters(tenant):
    from concurrent.futures import ThreadPoolExecutor

    client = create(tenant.admin, "client")["id"]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda n: create(tenant.admin, "location", clientId=client), range(3)))

    assert len(headquarters(tenant.id, client)) == 1
    assert repos.org_locations(tenant.id, client).count() == 3


# -- deactivation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_deactivating_twice_is_harmless_and_leaves_the_entry_read_only(tenant, kind):
    if kind == "location":
        create(tenant.admin, "location", name="HQ")  # the first location is the headquarters
    entry = create(tenant.admin, kind)["id"]

    first = deactivate(tenant.admin, kind, entry)
    second = deactivate(tenant.admin, kind, entry)
    change = refused(update, tenant.admin, kind, entry, name="Renamed")

    assert first["item"]["active"] is second["item"]["active"] is False
    assert (change.status, change.details["type"]) == (
        "FAILED_PRECONDITION",
        "organisation/inactive",
    )
    kept = stored(tenant.id, kind, entry)
    assert (kept.active, kept.name) == (False, NEW[kind]["name"])


def test_an_unknown_entry_is_not_found(tenant):
    assert refused(update, tenant.admin, "department", "nope", name="X").status == "NOT_FOUND"
    assert refused(deactivate, tenant.admin, "contact", "nope").status == "NOT_FOUND"


# -- bad input ------------------------------------------------------------------------------------
LOCATION = {"kind": "location", "name": "x"}
CONTACT = {"kind": "contact", "name": "x"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x"}, "kind"),
        ({"kind": "team", "name": "x"}, "kind"),
        ({**LOCATION, "address": {**ADDRESS, "country": "DEU"}}, "location.address.country"),
        (LOCATION, "location.address"),
        ({"kind": "department", "name": ""}, "department.name"),
        ({"kind": "department", "name": "x", "colour": "red"}, "department.colour"),
        ({**CONTACT, "type": "sales"}, "contact.type"),
        ({**CONTACT, "type": "custom"}, "contact.customLabel"),
        ({**CONTACT, "type": "billing", "customLabel": "y"}, "contact.customLabel"),
        ({**CONTACT, "type": "billing", "email": "nope"}, "contact.email"),
        ({"kind": "client", "name": "x", "clientId": "c"}, "client.clientId"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field(tenant, payload, field):
    error = refused(call, "customer_create_org_entry", payload, tenant.admin)

    assert (error.status, error.fields) == ("INVALID_ARGUMENT", [field])
    assert all(listing(tenant.admin, kind)["items"] == [] for kind in KINDS)


@pytest.mark.parametrize(
    ("function", "payload", "field"),
    [
        ("update", {"kind": "department", "id": "d", "name": None}, "department.name"),
        ("update", {"kind": "location", "id": ""}, "location.id"),
        ("update", {"kind": "contact", "id": "c", "phone": "call me"}, "contact.phone"),
        ("deactivate", {"kind": "client", "id": "c", "clientId": "c"}, "clientId"),
        ("list", {"kind": "contact", "limit": 0}, "limit"),
        ("list", {"kind": "teams"}, "kind"),
    ],
)
def test_bad_updates_deactivations_and_lists_name_the_field(tenant, function, payload, field):
    name = f"customer_{function}_org_entr{'ies' if function == 'list' else 'y'}"
    error = refused(call, name, payload, tenant.admin)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", [field])


# -- who may --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "function",
    [
        "customer_create_org_entry",
        "customer_update_org_entry",
        "customer_list_org_entries",
        "customer_deactivate_org_entry",
    ],
)
def test_a_signed_out_caller_is_unauthenticated(function):
    assert refused(call, function, {"kind": "client"}, None).status == "UNAUTHENTICATED"


def test_a_member_reads_but_cannot_write(tenant):
    department = create(tenant.admin, "department")["id"]

    listed = listing(tenant.member, "department")
    writes = [
        refused(create, tenant.member, "department"),
        refused(update, tenant.member, "department", department, name="Mine"),
        refused(deactivate, tenant.member, "department", department),
    ]

    assert [item["id"] for item in listed["items"]] == [department]
    assert {(w.status, w.details["permission"]) for w in writes} == {
        ("PERMISSION_DENIED", "tenant.organisation.manage")
    }
    assert stored(tenant.id, "department", department).active is True


def test_another_tenants_admin_can_neither_read_nor_write(tenant, other_tenant):
    client = create(tenant.admin, "client")["id"]
    elsewhere = {"tenantId": tenant.id}

    attempts = [
        refused(listing, other_tenant.admin, "client", **elsewhere),
        refused(create, other_tenant.admin, "department", **elsewhere),
        refused(update, other_tenant.admin, "client", client, name="Mine", **elsewhere),
        refused(deactivate, other_tenant.admin, "client", client, **elsewhere),
    ]
    by_id = refused(deactivate, other_tenant.admin, "client", client)

    assert {(a.status, a.details["type"]) for a in attempts} == {
        ("PERMISSION_DENIED", "tenant/mismatch")
    }
    assert by_id.status == "NOT_FOUND"  # its own tenant has no such client
    assert listing(other_tenant.admin, "client")["items"] == []
    assert stored(tenant.id, "client", client).active is True
    assert repos.departments(tenant.id).count() == 0


def test_a_platform_admin_acts_on_a_tenant_they_name(tenant, platform_admin):
    client = create(platform_admin, "client", tenantId=tenant.id)
    contact = create(platform_admin, "contact", tenantId=tenant.id, clientId=client["id"])
    listed = listing(platform_admin, "contact", tenantId=tenant.id, clientId=client["id"])
    scope = {"tenantId": tenant.id, "clientId": client["id"]}
    gone = deactivate(platform_admin, "contact", contact["id"], **scope)

    assert stored(tenant.id, "client", client["id"]).tenant_id == tenant.id
    assert [item["id"] for item in listed["items"]] == [contact["id"]]
    assert gone["item"]["active"] is False
    assert listing(tenant.admin, "client")["items"][0]["id"] == client["id"]
