"""user_list and user_grant_roles through the Functions emulator: paging, filters, prefix search,
and grant validation (no self-grant, nothing above the grantor, never platform-admin)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.callables import CallableError, call
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import create_user


def refused(name, data, user):
    with pytest.raises(CallableError) as error:
        call(name, data, user)
    return error.value


def uids(answer):
    return [user["id"] for user in answer["users"]]


@pytest.fixture
def directory(tenant):
    """The tenant's admin and five more users of varied roles, types, states and names."""
    seed_user_profile(tenant.id, tenant.admin, display_name="Zed Admin")
    people = {}
    seeds: list[tuple[str, list[str], dict[str, Any]]] = [
        ("ada", ["member"], {"display_name": "Ada Lovelace", "type": "consumer"}),
        ("adam", ["member", "project-manager"], {"display_name": "Adam Smith"}),
        ("bob", ["member"], {"display_name": "Bob Builder", "disabled": True}),
        ("carl", ["project-manager"], {"display_name": "Carl Sagan"}),
        ("operator", ["member"], {"display_name": "Ada Operator", "type": "platform-admin"}),
    ]
    for key, roles, fields in seeds:
        user = create_user(tenant_id=tenant.id, roles=roles, email=f"{key}-{tenant.id}@list.test")
        seed_user_profile(tenant.id, user, **fields)
        people[key] = user
    tenant.people = people
    return tenant


def test_an_admin_pages_through_every_listed_user_once(directory):
    seen, cursor, pages = [], None, 0
    while True:
        payload = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = call("user_list", payload, directory.admin)
        seen += uids(answer)
        pages += 1
        cursor = answer.get("nextCursor")
        if not cursor:
            break

    expected = {
        directory.admin.uid,
        *(u.uid for k, u in directory.people.items() if k != "operator"),
    }
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == expected
    assert pages == 3


def test_platform_admin_users_are_never_listed(directory):
    everyone = uids(call("user_list", {"limit": 100}, directory.admin))
    by_name = uids(call("user_list", {"namePrefix": "ada"}, directory.admin))

    assert directory.people["operator"].uid not in everyone + by_name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": "project-manager"}, {"adam", "carl"}),
        ({"type": "consumer"}, {"ada"}),
        ({"disabled": True}, {"bob"}),
        ({"role": "member", "disabled": False}, {"ada", "adam"}),
        ({"namePrefix": " ADA  l"}, {"ada"}),
        ({"namePrefix": "ad"}, {"ada", "adam"}),
        ({"namePrefix": "ad", "role": "project-manager"}, {"adam"}),
        ({"emailPrefix": "Carl-"}, {"carl"}),
        ({"emailPrefix": "b", "disabled": True, "type": "business"}, {"bob"}),
        ({"namePrefix": "nobody"}, set()),
    ],
)
def test_filters_and_prefix_search(directory, query, expected):
    answer = call("user_list", query, directory.admin)

    names = {k for k, user in directory.people.items() if user.uid in uids(answer)}
    assert names == expected


def test_prefix_search_pages_in_name_order(directory):
    first = call("user_list", {"namePrefix": "ad", "limit": 1}, directory.admin)
    second = call(
        "user_list",
        {"namePrefix": "ad", "limit": 1, "cursor": first["nextCursor"]},
        directory.admin,
    )

    assert [u["displayName"] for u in first["users"] + second["users"]] == [
        "Ada Lovelace",
        "Adam Smith",
    ]
    assert "nextCursor" not in second


def test_listed_users_show_only_the_admin_read_list(directory):
    answer = call("user_list", {"type": "consumer"}, directory.admin)
    assert answer["users"][0].keys() >= {"id", "tenantId", "email", "displayName"}
    assert not {"searchName", "searchEmail", "phone", "address"} & answer["users"][0].keys()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"namePrefix": "a", "emailPrefix": "a"}, "emailPrefix"),
        ({"type": "platform-admin"}, "type"),
        ({"limit": 0}, "limit"),
        ({"role": "Not A Role!"}, "role"),
        ({"cursor": "garbage"}, "cursor"),
        ({"sort": "name"}, "sort"),
    ],
)
def test_bad_list_queries_are_invalid_argument_naming_the_field(directory, query, field):
    error = refused("user_list", query, directory.admin)
    assert (error.status, field in error.fields) == ("INVALID_ARGUMENT", True)


def test_members_and_other_tenants_cannot_list(directory, other_tenant):
    assert refused("user_list", {}, directory.member).status == "PERMISSION_DENIED"
    stranger = refused("user_list", {"tenantId": directory.id}, other_tenant.admin)
    assert stranger.status == "PERMISSION_DENIED"


# -- roles ------------------------------------------------------------------------------------
def test_an_admin_grants_roles_and_they_are_written(directory):
    carl = directory.people["carl"]

    answer = call(
        "user_grant_roles",
        {"userId": carl.uid, "roles": ["member", "project-manager", "member"]},
        directory.admin,
    )

    profile = stored(directory.id, carl.uid)
    assert answer == {"userId": carl.uid, "roles": ["member", "project-manager"]}
    assert profile.roles == ["member", "project-manager"] and profile.version == 2


def test_nobody_changes_their_own_roles(directory):
    error = refused(
        "user_grant_roles", {"userId": directory.admin.uid, "roles": ["member"]}, directory.admin
    )
    assert (error.status, error.details["type"]) == ("PERMISSION_DENIED", "roles/self-grant")
    assert stored(directory.id, directory.admin.uid).roles == ["tenant-admin"]


def test_platform_admin_is_never_granted_not_even_by_a_platform_admin(directory):
    platform = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    ada = directory.people["ada"]
    for grantor, payload in [
        (directory.admin, {"userId": ada.uid, "roles": ["platform-admin"]}),
        (platform, {"userId": ada.uid, "roles": ["platform-admin"], "tenantId": directory.id}),
    ]:
        error = refused("user_grant_roles", payload, grantor)
        assert (error.status, error.details["type"]) == ("PERMISSION_DENIED", "roles/non-grantable")
    assert stored(directory.id, ada.uid).roles == ["member"]


def test_a_grantor_cannot_grant_or_take_a_role_they_do_not_encompass(directory):
    manager = create_user(tenant_id=directory.id, roles=["user-manager"])
    seed_user_profile(directory.id, manager)
    ada, adam = directory.people["ada"], directory.people["adam"]

    grant = refused(
        "user_grant_roles", {"userId": ada.uid, "roles": ["member", "tenant-admin"]}, manager
    )
    take = refused("user_grant_roles", {"userId": adam.uid, "roles": ["member"]}, manager)
    allowed = call("user_grant_roles", {"userId": ada.uid, "roles": ["user-manager"]}, manager)

    assert grant.details["type"] == take.details["type"] == "roles/unencompassed"
    assert (grant.details["role"], take.details["role"]) == ("tenant-admin", "project-manager")
    assert stored(directory.id, adam.uid).roles == ["member", "project-manager"]
    assert allowed["roles"] == stored(directory.id, ada.uid).roles == ["user-manager"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"roles": ["no-such-role"]}, "roles"),
        ({"roles": "member"}, "roles"),
        ({"roles": ["BAD ROLE"]}, "roles.0"),
        ({"userId": "", "roles": []}, "userId"),
        ({"userId": "a/b", "roles": []}, "userId"),
    ],
)
def test_bad_grants_are_invalid_argument_naming_the_field(directory, payload, field):
    error = refused(
        "user_grant_roles", {"userId": directory.people["ada"].uid, **payload}, directory.admin
    )
    assert (error.status, field in error.fields) == ("INVALID_ARGUMENT", True)


def test_grants_across_tenants_are_refused(directory, other_tenant):
    ada = directory.people["ada"]
    by_tenant = refused(
        "user_grant_roles",
        {"userId": ada.uid, "roles": ["tenant-admin"], "tenantId": directory.id},
        other_tenant.admin,
    )
    by_user = refused(
        "user_grant_roles", {"userId": ada.uid, "roles": ["tenant-admin"]}, other_tenant.admin
    )
    assert by_tenant.status == "PERMISSION_DENIED"
    assert by_user.status == "NOT_FOUND"
    assert stored(directory.id, ada.uid).roles == ["member"]


def test_members_cannot_grant_roles(directory):
    error = refused(
        "user_grant_roles",
        {"userId": directory.people["ada"].uid, "roles": ["tenant-admin"]},
        directory.member,
    )
    assert error.status == "PERMISSION_DENIED"
