"""User deactivation and reactivation (one user and a whole tenant), the ``user.*`` events the
profile trigger emits, the auth service following them, and de-identification: only of a
disabled consumer, only once, cancelled by reactivation."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from customer import repositories as customer_repos
from shared.unit_of_work import in_transaction
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.signup import token_claims
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import auth_account, create_user, sign_in, token_refused
from user import deidentify, lifecycle
from user.models.profiles import DEIDENTIFIED_NAME


@pytest.fixture
def people(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``): its document and its people's profiles."""
    return seeded_tenant


def consumer_of(tenant_id: str, **fields):
    user = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(
        tenant_id,
        user,
        type="consumer",
        first_name="Ada",
        last_name="Lovelace",
        phone="+44 20 7946 0000",
        about="Counts things",
        **fields,
    )
    return user


def test_deactivating_a_user_signs_them_out_and_reactivating_lets_them_back(people, tap_events):
    tap = tap_events("user-events")
    time.sleep(1.1)  # revocation counts whole seconds: the member's token must predate it

    answer = call("user_deactivate", {"userId": people.member.uid}, people.admin)

    assert answer == {"userId": people.member.uid, "disabled": True}  # business: no deidentifyAt
    profile = stored(people.id, people.member.uid)
    assert (profile.disabled, profile.disabled_by) == (True, people.admin.uid)
    disabled = tap.wait_for(
        lambda e: e.type == "user.disabled" and e.subject_id == people.member.uid
    )
    assert disabled.data["disabledBy"] == people.admin.uid
    eventually(lambda: auth_account(people.member.uid).disabled)
    assert token_refused(people.member.id_token)
    assert call("user_deactivate", {"userId": people.member.uid}, people.admin)["disabled"]

    call("user_reactivate", {"userId": people.member.uid}, people.admin)

    tap.wait_for(lambda e: e.type == "user.reactivated" and e.subject_id == people.member.uid)
    eventually(lambda: not auth_account(people.member.uid).disabled)
    assert not token_refused(sign_in(people.member.email))
    assert stored(people.id, people.member.uid).disabled_by is None


def test_deactivation_is_refused_for_oneself_members_strangers_and_bad_input(people, other_tenant):
    cases = [
        ({"userId": people.admin.uid}, people.admin, "PERMISSION_DENIED"),  # oneself
        ({"userId": people.manager.uid}, people.member, "PERMISSION_DENIED"),
        (
            {"userId": people.member.uid, "tenantId": people.id},
            other_tenant.admin,
            "PERMISSION_DENIED",
        ),
        ({"userId": "nobody-here"}, people.admin, "NOT_FOUND"),
        ({}, people.admin, "INVALID_ARGUMENT"),
        ({"userId": people.member.uid, "why": "x"}, people.admin, "INVALID_ARGUMENT"),
    ]
    for payload, caller, status in cases:
        with pytest.raises(CallableError) as refused:
            call("user_deactivate", payload, caller)
        assert refused.value.status == status, payload
    with pytest.raises(CallableError) as refused:
        call("user_deactivate", {"userId": people.member.uid})
    assert refused.value.status == "UNAUTHENTICATED"
    assert not any(
        stored(people.id, p.uid).disabled for p in (people.admin, people.manager, people.member)
    )


def test_a_role_change_on_the_profile_reaches_the_users_next_token(people, tap_events):
    from user import repositories as repos

    tap = tap_events("user-events")
    repos.profiles(people.id).update(people.member.uid, {"roles": ["member", "project-manager"]})

    updated = tap.wait_for(lambda e: e.type == "user.updated" and e.subject_id == people.member.uid)
    assert updated.data["changedFields"] == ["roles"]
    eventually(lambda: stored(people.id, people.member.uid).jwt_updated_at)
    assert token_claims(sign_in(people.member.email))["roles"] == ["member", "project-manager"]


def test_a_deactivated_consumer_gets_a_deidentification_date_from_the_tenants_retention(people):
    consumer = consumer_of(people.id)
    before = datetime.now(UTC)

    answer = call("user_deactivate", {"userId": consumer.uid}, people.admin)

    due = datetime.fromisoformat(answer["deidentifyAt"])
    assert before + timedelta(days=90) <= due <= datetime.now(UTC) + timedelta(days=90)


def test_a_tenant_that_keeps_nothing_has_its_consumer_deidentified_at_once(people, tap_events):
    customer_repos.tenants().update(people.id, {"settings.deidentifyAfterDays": 0})
    consumer = consumer_of(people.id)
    tap = tap_events("user-events")

    call("user_deactivate", {"userId": consumer.uid}, people.admin)

    eventually(lambda: stored(people.id, consumer.uid).deidentified, timeout=60)
    profile = stored(people.id, consumer.uid)
    assert profile.display_name == DEIDENTIFIED_NAME
    assert (profile.email, profile.first_name, profile.last_name, profile.phone, profile.about) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert (profile.id, profile.tenant_id, profile.roles) == (consumer.uid, people.id, ["member"])
    tap.wait_for(lambda e: e.type == "user.deidentified" and e.subject_id == consumer.uid)
    eventually(lambda: auth_account(consumer.uid) is None, timeout=30)  # the account held the email
    with pytest.raises(CallableError) as refused:
        call("user_reactivate", {"userId": consumer.uid}, people.admin)
    assert refused.value.details["type"] == "users/deidentified"


def test_deidentification_touches_only_a_disabled_consumer_and_only_once(people):
    past = datetime.now(UTC) - timedelta(minutes=1)
    due = {"disabled": True, "disabled_by": people.admin.uid, "deidentify_at": past}
    consumer = consumer_of(people.id, **due)
    active_consumer = consumer_of(people.id, deidentify_at=past)
    business = create_user(tenant_id=people.id, roles=["member"])
    seed_user_profile(people.id, business, type="business", **due)

    assert deidentify.deidentify(people.id, consumer.uid) is True
    first = stored(people.id, consumer.uid)
    assert deidentify.deidentify(people.id, consumer.uid) is False  # delivered twice
    assert stored(people.id, consumer.uid).deidentified_at == first.deidentified_at
    assert deidentify.deidentify(people.id, active_consumer.uid) is False
    assert deidentify.deidentify(people.id, business.uid) is False
    assert stored(people.id, active_consumer.uid).email == active_consumer.email
    assert stored(people.id, business.uid).email == business.email


def test_reactivation_before_the_date_cancels_deidentification(people):
    consumer = consumer_of(people.id)
    call("user_deactivate", {"userId": consumer.uid}, people.admin)
    call("user_reactivate", {"userId": consumer.uid}, people.admin)
    assert stored(people.id, consumer.uid).deidentify_at is None

    later = datetime.now(UTC) + timedelta(days=91)
    deidentify.deidentify_due(now=later)

    profile = stored(people.id, consumer.uid)
    assert not profile.deidentified and profile.email == consumer.email


def test_the_daily_job_deidentifies_every_due_consumer_across_tenants(people, other_tenant):
    seed_tenant(other_tenant.id)
    mine = consumer_of(people.id)
    theirs = consumer_of(other_tenant.id)
    for tenant_id, user in ((people.id, mine), (other_tenant.id, theirs)):
        keep = lifecycle.retention(tenant_id)
        in_transaction(
            lambda uow: lifecycle.deactivate_user(uow, _admin_ctx(), tenant_id, user.uid, keep=keep)  # noqa: B023
        )

    assert deidentify.deidentify_due(now=datetime.now(UTC) + timedelta(days=91)) >= 2

    assert stored(people.id, mine.uid).deidentified
    assert stored(other_tenant.id, theirs.uid).deidentified


def _admin_ctx():
    from shared.auth_context import AuthContext

    return AuthContext(uid="platform-ops", roles=("platform-admin",), platform_admin=True)


def test_a_bulk_deactivation_disables_everyone_but_the_caller_once_per_request(people):
    from firebase_admin import auth

    from shared.clients import admin_app
    from user import repositories as repos

    others = [create_user(tenant_id=people.id, roles=["member"]) for _ in range(4)]
    for user in others:
        seed_user_profile(people.id, user)
    request = {"requestId": uuid.uuid4().hex}

    job = call("user_bulk_deactivate", request, people.admin)

    def finished():
        state = call("user_get_bulk_job", {"jobId": job["jobId"]}, people.admin)
        return state if state["status"] == "done" else None

    done = eventually(finished, timeout=60)
    assert (done["scanned"], done["changed"]) == (7, 6)
    everyone = repos.profiles(people.id).stream_all()
    assert {p.id for p in everyone if not p.disabled} == {people.admin.uid}
    again = call("user_bulk_deactivate", request, people.admin)
    assert again["jobId"] == job["jobId"] and again["changed"] == 6
    eventually(lambda: all(auth.get_user(u.uid, app=admin_app()).disabled for u in others))

    back = call("user_bulk_reactivate", {"requestId": uuid.uuid4().hex}, people.admin)
    eventually(
        lambda: (
            call("user_get_bulk_job", {"jobId": back["jobId"]}, people.admin)["status"] == "done"
        )
    )
    assert not any(p.disabled for p in repos.profiles(people.id).stream_all())
