"""user_get_profile, user_update_profile and user_admin_update through the Functions emulator:
attribute-level permissions from static/user_attributes.yaml."""

from __future__ import annotations

import pytest

from tests.support.callables import CallableError, call
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import create_user

ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "DE"}


def refused(name, data, user):
    with pytest.raises(CallableError) as error:
        call(name, data, user)
    return error.value


@pytest.fixture
def people(tenant):
    """The tenant's admin, a business member and a consumer member, with profiles."""
    consumer = create_user(tenant_id=tenant.id, roles=["member"])
    seed_user_profile(tenant.id, tenant.admin)
    seed_user_profile(
        tenant.id,
        tenant.member,
        type="business",
        department_id="dep-1",
        company_role="Buyer",
        phone="+49 30 1234",
    )
    seed_user_profile(
        tenant.id, consumer, type="consumer", phone="+49 30 999", address=ADDRESS, about="Hi"
    )
    tenant.consumer = consumer
    return tenant


def test_a_business_user_reads_their_own_profile_with_the_business_fields(people):
    profile = call("user_get_profile", {}, people.member)["profile"]

    assert profile["id"] == people.member.uid
    assert profile["tenantId"] == people.id
    assert profile["email"] == people.member.email
    assert (profile["departmentId"], profile["companyRole"]) == ("dep-1", "Buyer")
    assert not {"searchName", "searchEmail", "version", "disabled"} & set(profile)


def test_a_consumer_reads_their_own_profile_without_the_company_fields(people):
    seed_user_profile(
        people.id, people.consumer, type="consumer", department_id="dep-1", address=ADDRESS
    )

    profile = call("user_get_profile", {}, people.consumer)["profile"]

    assert profile["type"] == "consumer"
    assert profile["address"]["postalCode"] == "10115"
    assert "departmentId" not in profile


def test_an_admin_reads_others_by_the_admin_list_of_their_type(people):
    business = call("user_get_profile", {"userId": people.member.uid}, people.admin)["profile"]
    consumer = call("user_get_profile", {"userId": people.consumer.uid}, people.admin)["profile"]

    assert business["phone"] == "+49 30 1234" and business["disabled"] is False
    assert consumer["email"] == people.consumer.email
    assert not {"phone", "address", "about"} & set(consumer)


def test_a_member_cannot_read_another_users_profile(people):
    error = refused("user_get_profile", {"userId": people.consumer.uid}, people.member)
    assert error.status == "PERMISSION_DENIED"
    assert error.details["permission"] == "users.read"


def test_admins_of_another_tenant_reach_no_profile_of_this_one(people, other_tenant):
    by_tenant = refused(
        "user_get_profile", {"userId": people.member.uid, "tenantId": people.id}, other_tenant.admin
    )
    by_user = refused("user_get_profile", {"userId": people.member.uid}, other_tenant.admin)

    assert (by_tenant.status, by_tenant.details["type"]) == ("PERMISSION_DENIED", "tenant/mismatch")
    assert by_user.status == "NOT_FOUND"


def test_a_platform_admin_profile_is_not_found_by_tenant_admins(people):
    operator = create_user(tenant_id=people.id, roles=["member"])
    seed_user_profile(people.id, operator, type="platform-admin")

    error = refused("user_get_profile", {"userId": operator.uid}, people.admin)

    assert error.status == "NOT_FOUND"


def test_a_platform_admin_reads_a_profile_of_a_named_tenant(people):
    platform = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)

    profile = call(
        "user_get_profile", {"userId": people.member.uid, "tenantId": people.id}, platform
    )["profile"]

    assert profile["companyRole"] == "Buyer"


def test_a_user_changes_their_own_fields_and_the_search_fields_follow(people):
    answer = call(
        "user_update_profile",
        {"displayName": "  Ada   Lovelace ", "address": ADDRESS, "locale": "en-GB"},
        people.consumer,
    )["profile"]

    profile = stored(people.id, people.consumer.uid)
    assert answer["displayName"] == profile.display_name == "Ada   Lovelace"
    assert answer["address"]["country"] == "DE"
    assert (profile.search_name, profile.locale, profile.version) == ("ada lovelace", "en-GB", 2)
    assert profile.search_email == people.consumer.email


def test_null_clears_an_optional_field(people):
    call("user_update_profile", {"phone": None, "about": None}, people.consumer)

    profile = stored(people.id, people.consumer.uid)
    assert (profile.phone, profile.about) == (None, None)


def test_a_field_outside_the_write_list_refuses_the_whole_write(people):
    before = stored(people.id, people.member.uid)

    error = refused(
        "user_update_profile",
        {"displayName": "New", "departmentId": "dep-2", "companyRole": "CEO"},
        people.member,
    )

    assert error.status == "INVALID_ARGUMENT"
    assert error.fields == ["departmentId", "companyRole"]
    assert stored(people.id, people.member.uid) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("roles", ["tenant-admin"]),
        ("email", "me@evil.test"),
        ("disabled", False),
        ("type", "business"),
        ("termsVersion", "2025-01-01"),
        ("searchName", "aaa"),
        ("version", 99),
    ],
)
def test_protected_fields_are_never_writable_by_the_user(people, field, value):
    before = stored(people.id, people.consumer.uid)

    error = refused("user_update_profile", {"displayName": "X", field: value}, people.consumer)

    assert error.status == "INVALID_ARGUMENT"
    assert error.fields == [field]
    assert stored(people.id, people.consumer.uid) == before


def test_a_tenant_id_beside_the_fields_names_the_request_tenant_not_a_profile_field(people):
    before = stored(people.id, people.consumer.uid)

    error = refused(
        "user_update_profile", {"displayName": "X", "tenantId": "another-tenant"}, people.consumer
    )

    assert (error.status, error.details["type"]) == ("PERMISSION_DENIED", "tenant/mismatch")
    assert stored(people.id, people.consumer.uid) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "call me"}, "phone"),
        ({"photoUrl": "http://insecure.test/a.png"}, "photoUrl"),
        ({"address": {**ADDRESS, "country": "Germany"}}, "address.country"),
        ({"address": {"city": "Berlin"}}, "address.line1"),
        ({"displayName": None}, "displayName"),
        ({"displayName": "x" * 121}, "displayName"),
        ({"colour": "red"}, "colour"),
        ({}, "(request)"),
    ],
)
def test_bad_values_are_invalid_argument_naming_the_field(people, changes, field):
    error = refused("user_update_profile", changes, people.consumer)

    assert error.status == "INVALID_ARGUMENT"
    assert field in error.fields


def test_the_fields_sit_at_the_top_level_and_the_old_changes_wrapper_is_named(people):
    answer = call("user_update_profile", {"displayName": "Mia"}, people.consumer)
    assert answer["profile"]["displayName"] == "Mia"

    error = refused("user_update_profile", {"changes": {"displayName": "X"}}, people.consumer)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["changes"])


def test_an_admin_changes_another_users_company_fields_and_type(people):
    answer = call(
        "user_admin_update",
        {
            "userId": people.consumer.uid,
            "type": "business",
            "displayName": "Now Business",
        },
        people.admin,
    )["profile"]
    call(
        "user_admin_update",
        {"userId": people.consumer.uid, "departmentId": "dep-9"},
        people.admin,
    )

    profile = stored(people.id, people.consumer.uid)
    assert answer["type"] == "business" and answer["displayName"] == "Now Business"
    assert (profile.type.value, profile.department_id) == ("business", "dep-9")
    assert profile.search_name == "now business"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("roles", ["tenant-admin"]),
        ("email", "x@x.test"),
        ("disabled", True),
        ("about", "private"),
    ],
)
def test_an_admin_cannot_write_outside_the_admin_list(people, field, value):
    before = stored(people.id, people.consumer.uid)

    error = refused(
        "user_admin_update",
        {"userId": people.consumer.uid, field: value},
        people.admin,
    )

    assert (error.status, error.fields) == ("INVALID_ARGUMENT", [field])
    assert stored(people.id, people.consumer.uid) == before


def test_no_one_makes_a_user_a_platform_admin_through_the_type(people):
    error = refused(
        "user_admin_update",
        {"userId": people.consumer.uid, "type": "platform-admin"},
        people.admin,
    )
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["type"])


def test_an_admin_updating_themselves_is_held_to_the_self_list(people):
    error = refused(
        "user_admin_update",
        {"userId": people.admin.uid, "type": "consumer"},
        people.admin,
    )
    assert error.fields == ["type"]


def test_admin_updates_need_the_permission_and_the_same_tenant(people, other_tenant):
    by_member = refused(
        "user_admin_update",
        {"userId": people.consumer.uid, "displayName": "X"},
        people.member,
    )
    by_stranger = refused(
        "user_admin_update",
        {"userId": people.consumer.uid, "displayName": "X", "tenantId": people.id},
        other_tenant.admin,
    )
    assert by_member.status == by_stranger.status == "PERMISSION_DENIED"
    assert stored(people.id, people.consumer.uid).display_name != "X"
