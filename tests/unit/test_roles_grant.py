"""Grant validation: nobody hands out a role stronger than their own."""

from __future__ import annotations

import pytest

from shared.auth_context import AuthContext
from shared.errors import InvalidArgument, PermissionDenied
from shared.roles_grant import check_grant


def grantor(*roles: str, platform_admin: bool = False) -> AuthContext:
    claims = {"tenantId": "t1", "roles": list(roles), "platformAdmin": platform_admin}
    return AuthContext.from_claims("g1", claims)


def test_a_tenant_admin_grants_the_tenant_roles_once_each():
    assert check_grant(grantor("tenant-admin"), ["member", "project-manager", "member"]) == [
        "member",
        "project-manager",
    ]


def test_a_role_with_permissions_the_grantor_lacks_is_unencompassed():
    with pytest.raises(PermissionDenied) as refused:
        check_grant(grantor("project-manager"), ["member"])
    assert refused.value.type == "roles/unencompassed"
    assert "profile.read.own" in refused.value.details["missing"]


def test_a_grantor_cannot_grant_a_role_above_their_own():
    with pytest.raises(PermissionDenied) as refused:
        check_grant(grantor("member"), ["tenant-admin"])
    assert refused.value.type == "roles/unencompassed"


@pytest.mark.parametrize("who", [grantor("tenant-admin"), grantor(platform_admin=True)])
def test_platform_admin_is_non_grantable_even_by_platform_admins(who):
    with pytest.raises(PermissionDenied) as refused:
        check_grant(who, ["platform-admin"])
    assert refused.value.type == "roles/non-grantable"


def test_an_unknown_role_is_invalid_argument_on_the_named_field():
    with pytest.raises(InvalidArgument) as refused:
        check_grant(grantor("tenant-admin"), ["wizard"], field="defaultRoles")
    assert [f["field"] for f in refused.value.fields] == ["defaultRoles"]


def test_nobody_acts_on_a_user_holding_a_role_they_could_not_grant():
    from shared.roles_grant import check_may_act_on, may_act_on

    manager = grantor("user-manager")
    with pytest.raises(PermissionDenied) as refused:
        check_may_act_on(manager, "admin-1", ["member", "tenant-admin"])
    assert refused.value.type == "roles/unencompassed"
    assert refused.value.details["userId"] == "admin-1"
    assert refused.value.details["role"] == "tenant-admin"
    assert not may_act_on(manager, ["platform-admin"])
    assert may_act_on(manager, ["member", "user-manager", "retired-role"])
    assert may_act_on(grantor("tenant-admin"), ["tenant-admin", "project-manager"])
    assert may_act_on(grantor(platform_admin=True), ["platform-admin"])
