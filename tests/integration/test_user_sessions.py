"""A deactivated user is stopped at once by every callable (``shared.caller_status``), not when
their ID token expires: the very next call with the old token is ``unauthenticated``, whichever
service it reaches, before the auth service has even disabled the Auth account."""

from __future__ import annotations

import pytest

from tests.support.callables import CallableError, call
from tests.support.users import create_user


@pytest.fixture
def people(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``): its document and its people's profiles."""
    return seeded_tenant


def refused(name: str, payload: dict, caller) -> CallableError:
    with pytest.raises(CallableError) as error:
        call(name, payload, caller)
    return error.value


def test_a_deactivated_users_old_token_is_refused_by_every_callable_at_once(people):
    project = call("example_create_project", {"name": "Launch"}, people.manager)["projectId"]
    assert call("user_get_profile", {}, people.member)["profile"]["id"] == people.member.uid

    call("user_deactivate", {"userId": people.member.uid}, people.admin)

    for name, payload in [
        ("user_get_profile", {}),
        ("user_get_preferences", {}),
        ("example_create_task", {"projectId": project, "title": "Still here?"}),
        ("example_list_projects", {}),
    ]:
        error = refused(name, payload, people.member)
        assert (error.status, error.details["type"]) == ("UNAUTHENTICATED", "auth/disabled"), name


def test_a_reactivated_user_is_let_back_in_with_the_same_token(people):
    call("user_deactivate", {"userId": people.member.uid}, people.admin)
    assert refused("user_get_profile", {}, people.member).status == "UNAUTHENTICATED"

    call("user_reactivate", {"userId": people.member.uid}, people.admin)

    assert call("user_get_profile", {}, people.member)["profile"]["id"] == people.member.uid


def test_a_caller_without_a_tenant_profile_is_checked_against_the_auth_account(people):
    from firebase_admin import auth

    from shared.clients import admin_app

    operator = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    assert call("user_list", {"tenantId": people.id}, operator)["users"]

    auth.update_user(operator.uid, disabled=True, app=admin_app())

    error = refused("user_list", {"tenantId": people.id}, operator)
    assert (error.status, error.details["type"]) == ("UNAUTHENTICATED", "auth/disabled")
