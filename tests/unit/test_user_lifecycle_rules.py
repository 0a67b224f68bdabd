"""Who may deactivate and reactivate whom (``user.lifecycle``), on the in-memory unit of work:
nobody acts on themselves or above their station, platform admins stay invisible, repeats write
nothing; and whom a bulk page changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, NotFound, PermissionDenied
from shared.sweeps import SweepJob
from tests.support.fake_uow import FakeUnitOfWork
from user import lifecycle
from user import repositories as repos
from user.models.profiles import UserProfile, UserType

TENANT = "t1"
KEEP = timedelta(days=90)
ADMIN = AuthContext(uid="admin", tenant_id=TENANT, roles=("tenant-admin",))
MANAGER = AuthContext(uid="manager", tenant_id=TENANT, roles=("user-manager",))


def person(uid: str, *roles: str, **fields: Any) -> UserProfile:
    return UserProfile(id=uid, tenant_id=TENANT, roles=list(roles or ["member"]), **fields)


def people() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.seed(
        repos.profiles(TENANT),
        person("admin", "tenant-admin"),
        person("manager", "user-manager"),
        person("member"),
        person("consumer", type=UserType.CONSUMER),
        person("platform", "platform-admin", type=UserType.PLATFORM_ADMIN),
    )
    return uow


def stored(uow: FakeUnitOfWork, uid: str) -> UserProfile:
    return uow.store[str(repos.profiles(TENANT).path)][uid]


def deactivate(uow: FakeUnitOfWork, ctx: AuthContext, uid: str) -> UserProfile:
    return uow.run(lambda u: lifecycle.deactivate_user(u, ctx, TENANT, uid, keep=KEEP))


def reactivate(uow: FakeUnitOfWork, ctx: AuthContext, uid: str) -> UserProfile:
    return uow.run(lambda u: lifecycle.reactivate_user(u, ctx, TENANT, uid))


def test_an_admin_deactivates_a_member_who_is_then_disabled_by_that_admin():
    uow = people()

    answer = deactivate(uow, ADMIN, "member")

    member = stored(uow, "member")
    assert answer.disabled and member.disabled
    assert member.disabled_by == "admin"
    assert member.deidentify_at is None  # business users keep their data


def test_a_deactivated_consumers_data_is_due_after_the_tenants_retention():
    uow = people()

    deactivate(uow, ADMIN, "consumer")

    consumer = stored(uow, "consumer")
    assert consumer.disabled_at is not None
    assert consumer.deidentify_at == consumer.disabled_at + KEEP


def test_nobody_deactivates_their_own_account():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        deactivate(uow, ADMIN, "admin")

    assert refused.value.type == "users/self"
    assert not stored(uow, "admin").disabled


def test_a_user_manager_cannot_deactivate_a_tenant_admin_above_their_station():
    uow = people()

    with pytest.raises(PermissionDenied) as refused:
        deactivate(uow, MANAGER, "admin")

    assert refused.value.type == "roles/unencompassed"
    assert not stored(uow, "admin").disabled


def test_a_user_manager_deactivates_and_reactivates_a_member():
    uow = people()

    deactivate(uow, MANAGER, "member")
    reactivate(uow, MANAGER, "member")

    member = stored(uow, "member")
    assert (member.disabled, member.disabled_by, member.disabled_at) == (False, None, None)


def test_a_platform_admins_profile_is_not_found_by_tenant_admins():
    uow = people()

    with pytest.raises(NotFound):
        deactivate(uow, ADMIN, "platform")
    with pytest.raises(NotFound):
        reactivate(uow, ADMIN, "platform")


def test_deactivating_a_deactivated_user_writes_nothing():
    uow = people()
    deactivate(uow, ADMIN, "member")
    after_first = stored(uow, "member")

    again = deactivate(uow, MANAGER, "member")

    assert again.disabled_by == "admin"
    assert stored(uow, "member") is after_first


def test_reactivation_cancels_a_pending_deidentification():
    uow = people()
    deactivate(uow, ADMIN, "consumer")

    reactivate(uow, ADMIN, "consumer")

    assert stored(uow, "consumer").deidentify_at is None


def test_a_deidentified_user_cannot_come_back():
    uow = FakeUnitOfWork()
    uow.seed(repos.profiles(TENANT), person("gone", disabled=True, deidentified=True))

    with pytest.raises(FailedPrecondition) as refused:
        reactivate(uow, ADMIN, "gone")

    assert refused.value.type == "users/deidentified"
    assert stored(uow, "gone").disabled


def job(**params: object) -> SweepJob:
    return SweepJob(id="j1", tenant_id=TENANT, kind="deactivate", cause="test", params=params)


def ids(users: list[UserProfile]) -> list[str]:
    return [u.id for u in users]


def test_an_admins_bulk_deactivation_spares_the_admin_platform_admins_and_the_disabled():
    users = [
        person("admin", "tenant-admin"),
        person("member"),
        person("gone", disabled=True),
        person("platform", "platform-admin", type=UserType.PLATFORM_ADMIN),
    ]
    params = {"by": "admin", "exceptUserId": "admin", "actorRoles": ["tenant-admin"]}

    assert ids(lifecycle.deactivation_targets(job(**params), users)) == ["member"]


def test_a_user_managers_bulk_deactivation_skips_users_above_their_station():
    users = [person("admin", "tenant-admin"), person("member"), person("pm", "project-manager")]
    params = {"by": "manager", "exceptUserId": "manager", "actorRoles": ["user-manager"]}

    assert ids(lifecycle.deactivation_targets(job(**params), users)) == ["member"]


def test_a_tenants_own_deactivation_spares_only_platform_admins():
    users = [
        person("admin", "tenant-admin"),
        person("member"),
        person("platform", "platform-admin", type=UserType.PLATFORM_ADMIN),
    ]

    targets = lifecycle.deactivation_targets(job(by=lifecycle.DISABLED_BY_TENANT), users)

    assert ids(targets) == ["admin", "member"]


def test_a_tenants_reactivation_reenables_only_whom_the_tenant_disabled_and_not_the_deidentified():
    users = [
        person("by-tenant", disabled=True, disabled_by="tenant"),
        person("by-admin", disabled=True, disabled_by="admin"),
        person("gone", disabled=True, disabled_by="tenant", deidentified=True),
        person("active"),
    ]

    targets = lifecycle.reactivation_targets(job(onlyDisabledBy="tenant"), users)

    assert ids(targets) == ["by-tenant"]
