"""customer_create / customer_get / customer_update through the Functions emulator."""

from __future__ import annotations

import pytest

from customer import repositories as repos
from tests.support.callables import CallableError, call
from tests.support.users import create_user, unique_id

ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "de"}


@pytest.fixture
def platform_admin():
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def new_customer(platform_admin, **extra):
    payload = {
        "name": "Acme",
        "adminEmail": f"{unique_id('boss')}@Acme.test",
        "products": ["core", "projects"],
        "address": ADDRESS,
        **extra,
    }
    return call("customer_create", payload, platform_admin)


def test_a_platform_admin_creates_a_tenant_its_headquarters_and_the_first_invitation(
    platform_admin,
):
    answer = new_customer(platform_admin)
    tenant_id = answer["tenantId"]

    tenant = repos.tenants().require(tenant_id)
    headquarters = repos.locations(tenant_id).require(answer["locationId"])
    invitation = repos.invitations(tenant_id).require(answer["invitationId"])
    assert (tenant.name, tenant.products, tenant.address.country) == (
        "Acme",
        ["core", "projects"],
        "DE",
    )
    assert headquarters.headquarters and headquarters.address == tenant.address
    assert invitation.email == tenant.admin_email == tenant.admin_email.lower()
    assert (invitation.roles, invitation.status.value) == (["tenant-admin"], "pending")


def test_an_address_without_postal_code_or_region_creates_the_customer(platform_admin):
    """Many countries have neither (SPEC section 8: line1, city and country suffice)."""
    answer = new_customer(
        platform_admin, address={"line1": "Plot 4, Harbour Road", "city": "Doha", "country": "QA"}
    )

    tenant = repos.tenants().require(answer["tenantId"])
    assert (tenant.address.postal_code, tenant.address.region) == (None, None)
    assert {"tenantId", "invitationId"} <= answer.keys()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"adminEmail": "not-an-email"}, "adminEmail"),
        ({"products": []}, "products"),
        ({"products": ["no-such-product"]}, "products"),
        ({"address": {**ADDRESS, "country": "Germany"}}, "address.country"),
        ({"address": {"city": "Berlin"}}, "address.line1"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field(platform_admin, change, field):
    with pytest.raises(CallableError) as refused:
        new_customer(platform_admin, **change)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert field in refused.value.fields


def test_only_platform_admins_create_customers(tenant):
    with pytest.raises(CallableError) as refused:
        call(
            "customer_create",
            {"name": "X", "adminEmail": "x@x.test", "products": ["core"], "address": ADDRESS},
            tenant.admin,
        )
    assert refused.value.status == "PERMISSION_DENIED"


def test_a_tenant_admin_reads_and_updates_their_own_tenant(platform_admin):
    tenant_id = new_customer(platform_admin)["tenantId"]
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])

    read = call("customer_get", {}, admin)
    updated = call(
        "customer_update",
        {
            "name": "Acme GmbH",
            "settings": {"sessionLengthHours": 8, "branding": {"displayName": "ACME"}},
        },
        admin,
    )

    assert read["tenant"]["name"] == "Acme"
    assert updated["tenant"]["name"] == "Acme GmbH"
    stored = repos.tenants().require(tenant_id)
    assert stored.settings.session_length_hours == 8
    assert stored.settings.branding.display_name == "ACME"
    assert stored.products == ["core", "projects"]


def test_a_tenant_admin_cannot_change_products_or_reach_another_tenant(platform_admin):
    tenant_id = new_customer(platform_admin)["tenantId"]
    other_id = new_customer(platform_admin)["tenantId"]
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])

    with pytest.raises(CallableError) as products:
        call("customer_update", {"products": ["core"]}, admin)
    with pytest.raises(CallableError) as other:
        call("customer_get", {"tenantId": other_id}, admin)

    assert (products.value.status, products.value.details["type"]) == (
        "PERMISSION_DENIED",
        "tenant/products-locked",
    )
    assert other.value.status == "PERMISSION_DENIED"
    assert repos.tenants().require(tenant_id).products == ["core", "projects"]


def test_members_cannot_read_the_tenant_through_functions(tenant):
    with pytest.raises(CallableError) as refused:
        call("customer_get", {}, tenant.member)
    assert refused.value.status == "PERMISSION_DENIED"
