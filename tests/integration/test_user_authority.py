"""Nobody acts above their station: a user who holds a role the actor could not grant is
refused to them (one at a time) and skipped by their bulk runs; a platform admin's profile
inside a tenant is not found by the tenant, exactly like an unknown uid."""

from __future__ import annotations

import uuid

import pytest

from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import create_user
from user import repositories as repos


@pytest.fixture
def staff(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``), plus a ``user-manager`` with a profile."""
    tenant = seeded_tenant
    tenant.user_manager = create_user(tenant_id=tenant.id, roles=["user-manager"])
    seed_user_profile(tenant.id, tenant.user_manager)
    return tenant


def refusal(name: str, payload: dict, caller) -> CallableError:
    with pytest.raises(CallableError) as refused:
        call(name, payload, caller)
    return refused.value


def test_a_user_manager_cannot_deactivate_edit_or_regrant_a_tenant_admin(staff):
    admin = staff.admin.uid
    attempts = [
        ("user_deactivate", {"userId": admin}),
        ("user_admin_update", {"userId": admin, "type": "consumer"}),
        ("user_admin_update", {"userId": admin, "displayName": "Mallory"}),
        ("user_grant_roles", {"userId": admin, "roles": ["member"]}),
    ]
    for name, payload in attempts:
        error = refusal(name, payload, staff.user_manager)
        assert (error.status, error.details["type"]) == (
            "PERMISSION_DENIED",
            "roles/unencompassed",
        ), name
        assert error.details["role"] == "tenant-admin"

    profile = stored(staff.id, admin)
    assert (profile.disabled, profile.type.value, profile.roles) == (
        False,
        "business",
        ["tenant-admin"],
    )
    assert profile.display_name == f"User {admin}"


def test_a_user_manager_cannot_reactivate_a_tenant_admin_but_acts_on_members(staff):
    repos.profiles(staff.id).update(staff.admin.uid, {"disabled": True, "disabled_by": "x"})

    error = refusal("user_reactivate", {"userId": staff.admin.uid}, staff.user_manager)

    assert error.details["type"] == "roles/unencompassed"
    assert stored(staff.id, staff.admin.uid).disabled
    assert call("user_deactivate", {"userId": staff.member.uid}, staff.user_manager)["disabled"]
    assert not call("user_reactivate", {"userId": staff.member.uid}, staff.user_manager)["disabled"]


def test_a_user_managers_bulk_runs_skip_the_users_above_them(staff):
    def finish(job):
        def done():
            state = call("user_get_bulk_job", {"jobId": job["jobId"]}, staff.user_manager)
            return state if state["status"] == "done" else None

        return eventually(done, timeout=60)

    job = call("user_bulk_deactivate", {"requestId": uuid.uuid4().hex}, staff.user_manager)

    assert finish(job)["changed"] == 1  # the member; not the admin, not the project manager
    disabled = {p.id for p in repos.profiles(staff.id).stream_all() if p.disabled}
    assert disabled == {staff.member.uid}

    repos.profiles(staff.id).update(staff.admin.uid, {"disabled": True, "disabled_by": "x"})
    back = call("user_bulk_reactivate", {"requestId": uuid.uuid4().hex}, staff.user_manager)
    assert finish(back)["changed"] == 1
    assert stored(staff.id, staff.admin.uid).disabled
    assert not stored(staff.id, staff.member.uid).disabled


def test_a_platform_admins_profile_is_not_found_by_tenant_lifecycle_calls_like_an_unknown_uid(
    staff,
):
    operator = create_user(tenant_id=staff.id, roles=["platform-admin"], platform_admin=True)
    seed_user_profile(staff.id, operator, type="platform-admin")

    for name in ("user_deactivate", "user_reactivate"):
        hidden = refusal(name, {"userId": operator.uid}, staff.admin)
        unknown = refusal(name, {"userId": "nobody-here"}, staff.admin)
        assert hidden.status == unknown.status == "NOT_FOUND", name
        assert hidden.details["type"] == unknown.details["type"]
        assert hidden.message.replace(operator.uid, "X") == unknown.message.replace(
            "nobody-here", "X"
        )
    assert not stored(staff.id, operator.uid).disabled
