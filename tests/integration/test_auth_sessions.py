"""Sessions follow the user service's events: disabled -> revoked and disabled; reactivated ->
enabled; deleted -> revoked, deleted, ``auth.user_deleted``. Each event may come twice."""

from __future__ import annotations

import time

import pytest

from auth.claims import set_user_claims
from shared import events
from shared.errors import InvalidArgument
from tests.support.emulators import eventually
from tests.support.signup import token_claims
from tests.support.tenants import seed_profiles, seed_tenant
from tests.support.users import auth_account, create_user, sign_in, token_refused, unique_id
from user import repositories as user_repos


def user_event(type: str, tenant_id: str, uid: str) -> events.DomainEvent:
    return events.new_event(type, tenant_id=tenant_id, subject_id=uid)


def test_a_disabled_user_is_signed_out_everywhere_and_back_in_after_reactivation():
    tenant_id = unique_id("tenant")
    user = create_user(tenant_id=tenant_id, roles=["member"])
    assert not token_refused(user.id_token)
    time.sleep(1.1)  # revocation counts whole seconds: the token must predate it

    disabled = user_event("user.disabled", tenant_id, user.uid)
    events.publish([disabled])
    eventually(lambda: auth_account(user.uid).disabled)
    assert token_refused(user.id_token)
    events.publish([disabled])  # delivered twice: still disabled, nothing else changes
    time.sleep(1)
    assert auth_account(user.uid).disabled

    events.publish([user_event("user.reactivated", tenant_id, user.uid)])
    eventually(lambda: not auth_account(user.uid).disabled)
    assert token_refused(user.id_token)  # the old session stays revoked
    assert not token_refused(sign_in(user.email))


def test_a_deleted_user_loses_the_auth_account_and_auth_user_deleted_is_emitted_once(tap_events):
    tenant_id = unique_id("tenant")
    user = create_user(tenant_id=tenant_id, roles=["member"])
    tap = tap_events("auth-events")
    deleted = user_event("user.deleted", tenant_id, user.uid)

    events.publish([deleted])
    eventually(lambda: auth_account(user.uid) is None)
    events.publish([deleted])

    first = tap.wait_for(lambda e: e.type == "auth.user_deleted" and e.subject_id == user.uid)
    seen = tap.collect(seconds=3)
    same = [e for e in seen if e.type == "auth.user_deleted" and e.subject_id == user.uid]
    assert {e.id for e in same} == {first.id}  # a second delivery re-emits the same event id


def test_setting_claims_stamps_jwt_updated_at_and_announces_it(tap_events):
    tenant_id = unique_id("tenant")
    seed_tenant(tenant_id)
    user = create_user(tenant_id=tenant_id, roles=["member"])
    seed_profiles(tenant_id, [user])
    tap = tap_events("auth-events")

    set_user_claims(user.uid, tenant_id, ["member", "project-manager"], ["core"])

    assert token_claims(sign_in(user.email))["roles"] == ["member", "project-manager"]
    assert user_repos.access_views(tenant_id).require(user.uid).jwt_updated_at is not None
    event = tap.wait_for(lambda e: e.type == "auth.claims_set" and e.subject_id == user.uid)
    assert event.data["userIds"] == [user.uid]


def test_claims_over_1000_bytes_are_refused_before_they_reach_auth():
    tenant_id = unique_id("tenant")
    user = create_user(tenant_id=tenant_id, roles=["member"])
    roles = [f"role-{n:02d}-{'x' * 50}" for n in range(20)]

    with pytest.raises(InvalidArgument) as refused:
        set_user_claims(user.uid, tenant_id, roles, ["core"])

    assert refused.value.type == "claims/too-large"
    assert token_claims(sign_in(user.email))["roles"] == ["member"]
