"""Who may change whose roles (``user.roles.grant_roles``), on the in-memory unit of work: the
grant rule for roles given and taken away, nobody on themselves or above their station."""

from __future__ import annotations

import pytest

from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from tests.support.fake_uow import FakeUnitOfWork
from user import repositories as repos
from user import roles
from user.models.profiles import UserProfile

TENANT = "t1"
ADMIN = AuthContext(uid="admin", tenant_id=TENANT, roles=("tenant-admin",))
MANAGER = AuthContext(uid="manager", tenant_id=TENANT, roles=("user-manager",))


def people() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.seed(
        repos.profiles(TENANT),
        UserProfile(id="admin", tenant_id=TENANT, roles=["tenant-admin"]),
        UserProfile(id="member", tenant_id=TENANT, roles=["member"], version=3),
        UserProfile(id="pm", tenant_id=TENANT, roles=["member", "project-manager"]),
        UserProfile(id="gone", tenant_id=TENANT, roles=["member"], deidentified=True),
    )
    return uow


def stored(uow: FakeUnitOfWork, uid: str) -> UserProfile:
    return uow.store[str(repos.profiles(TENANT).path)][uid]


def grant(uow: FakeUnitOfWork, ctx: AuthContext, uid: str, wanted: list[str]) -> list[str]:
    return uow.run(lambda u: roles.grant_roles(u, ctx, TENANT, uid, wanted))


def test_an_admin_grants_a_role_they_hold_and_the_version_counts_the_write():
    uow = people()

    granted = grant(uow, ADMIN, "member", ["member", "project-manager"])

    assert granted == stored(uow, "member").roles == ["member", "project-manager"]
    assert stored(uow, "member").version == 4


def test_nobody_changes_their_own_roles():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        grant(uow, ADMIN, "admin", ["member"])

    assert refused.value.type == "roles/self-grant"


def test_a_user_manager_cannot_grant_a_role_needing_permissions_they_lack():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        grant(uow, MANAGER, "member", ["member", "tenant-admin"])

    assert refused.value.type == "roles/unencompassed"
    assert stored(uow, "member").roles == ["member"]


def test_a_user_manager_cannot_act_on_a_user_holding_a_role_they_could_not_grant():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        grant(uow, MANAGER, "pm", ["member"])

    assert refused.value.type == "roles/unencompassed"
    assert stored(uow, "pm").roles == ["member", "project-manager"]


def test_the_platform_admin_role_is_granted_by_nobody_in_a_tenant():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        grant(uow, ADMIN, "member", ["platform-admin"])

    assert refused.value.type == "roles/non-grantable"


def test_granting_the_roles_a_user_already_has_writes_nothing():
    uow = people()
    before = stored(uow, "member")

    granted = grant(uow, MANAGER, "member", ["member"])

    assert granted == ["member"]
    assert stored(uow, "member") is before


def test_a_deidentified_users_roles_cannot_change():
    uow = people()

    with pytest.raises(FailedPrecondition) as refused:
        grant(uow, ADMIN, "gone", ["member", "project-manager"])

    assert refused.value.type == "user/deidentified"
