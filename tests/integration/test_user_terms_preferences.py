"""user_accept_terms, user_list_terms_pending, user_update_preferences and user_get_preferences
through the Functions emulator."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.callables import CallableError, call
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import create_user
from user import repositories as repos
from user.models.profiles import TermsAcceptance
from user.terms import FIRST_TERMS_ACCEPTED, terms_config

CURRENT = terms_config().current


def refused(name, data, user):
    with pytest.raises(CallableError) as error:
        call(name, data, user)
    return error.value


def history(tenant_id, uid):
    return list(repos.terms_acceptances(tenant_id, uid).stream_all())


def first_accepted(tap, uid):
    return [e for e in tap.seen if e.type == FIRST_TERMS_ACCEPTED and e.subject_id == uid]


# -- terms ------------------------------------------------------------------------------------
def test_the_first_acceptance_is_recorded_and_announced_once(tenant, tap_events):
    tap = tap_events("user-events")
    seed_user_profile(tenant.id, tenant.member)

    first = call("user_accept_terms", {"version": CURRENT}, tenant.member)
    again = call("user_accept_terms", {"version": CURRENT}, tenant.member)

    event = tap.wait_for(
        lambda e: e.type == FIRST_TERMS_ACCEPTED and e.subject_id == tenant.member.uid
    )
    tap.collect(3)
    profile = stored(tenant.id, tenant.member.uid)
    [entry] = history(tenant.id, tenant.member.uid)
    assert first["first"] is True and first["acceptedAt"] == again["acceptedAt"]
    assert (entry.terms_version, entry.tenant_id, entry.id) == (CURRENT, tenant.id, CURRENT)
    assert entry.announced_at is not None
    assert (profile.terms_version, profile.terms_accepted_at) == (CURRENT, entry.accepted_at)
    assert len(first_accepted(tap, tenant.member.uid)) == 1
    assert event.id == f"user-first-terms-accepted-{tenant.member.uid}"
    assert (event.tenant_id, event.data["version"]) == (tenant.id, CURRENT)


def test_accepting_newer_terms_adds_to_the_history_without_a_first_event(tenant, tap_events):
    tap = tap_events("user-events")
    earlier = datetime(2024, 1, 1, tzinfo=UTC)
    seed_user_profile(
        tenant.id, tenant.member, terms_version="2024-01-01", terms_accepted_at=earlier
    )
    repos.terms_acceptances(tenant.id, tenant.member.uid).set(
        TermsAcceptance(
            id="2024-01-01",
            tenant_id=tenant.id,
            user_id=tenant.member.uid,
            terms_version="2024-01-01",
            accepted_at=earlier,
            first=True,
            announced_at=earlier,
        )
    )

    answer = call("user_accept_terms", {"version": CURRENT}, tenant.member)

    tap.collect(3)
    assert answer["first"] is False
    assert {a.terms_version for a in history(tenant.id, tenant.member.uid)} == {
        "2024-01-01",
        CURRENT,
    }
    assert stored(tenant.id, tenant.member.uid).terms_version == CURRENT
    assert first_accepted(tap, tenant.member.uid) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": "1999-01-01"}, "version"),
        ({"version": "../x"}, "version"),
        ({}, "version"),
        ({"version": CURRENT, "at": "now"}, "at"),
    ],
)
def test_bad_terms_versions_are_invalid_argument_naming_the_field(tenant, payload, field):
    seed_user_profile(tenant.id, tenant.member)

    error = refused("user_accept_terms", payload, tenant.member)

    assert (error.status, field in error.fields) == ("INVALID_ARGUMENT", True)
    assert history(tenant.id, tenant.member.uid) == []


def test_admins_page_through_the_users_behind_on_the_terms(tenant):
    seed_user_profile(tenant.id, tenant.admin, terms_version=CURRENT)
    behind = {
        "never": create_user(tenant_id=tenant.id, roles=["member"]),
        "old": create_user(tenant_id=tenant.id, roles=["member"]),
    }
    seed_user_profile(tenant.id, behind["never"])
    seed_user_profile(tenant.id, behind["old"], terms_version="2024-01-01")
    for fields in ({"terms_version": CURRENT}, {"disabled": True}, {"type": "platform-admin"}):
        seed_user_profile(tenant.id, create_user(tenant_id=tenant.id, roles=["member"]), **fields)

    seen, cursor = [], None
    while True:
        answer = call(
            "user_list_terms_pending",
            {"limit": 1, **({"cursor": cursor} if cursor else {})},
            tenant.admin,
        )
        assert answer["currentVersion"] == CURRENT
        seen += [u["id"] for u in answer["users"]]
        cursor = answer.get("nextCursor")
        if not cursor:
            break

    assert sorted(seen) == sorted(u.uid for u in behind.values())


def test_members_cannot_list_who_is_behind_on_the_terms(tenant):
    error = refused("user_list_terms_pending", {}, tenant.member)
    assert error.status == "PERMISSION_DENIED"


# -- preferences ------------------------------------------------------------------------------
def test_preferences_merge_per_notification_and_channel(tenant):
    seed_user_profile(tenant.id, tenant.member)
    call(
        "user_update_preferences",
        {
            "notifications": {
                "messaging.message_sent": {"email": False, "push": True},
                "files.uploaded": {"inApp": False},
            }
        },
        tenant.member,
    )

    answer = call(
        "user_update_preferences",
        {
            "notifications": {
                "messaging.message_sent": {"email": True, "slack": False},
                "files.uploaded": {"inApp": None},
                "example.task_came_due": {"teams": True},
            }
        },
        tenant.member,
    )

    expected = {
        "example.task_came_due": {"teams": True},
        "messaging.message_sent": {"email": True, "push": True, "slack": False},
    }
    assert answer == {"notifications": expected}
    assert call("user_get_preferences", {}, tenant.member) == {"notifications": expected}
    doc = repos.preferences(tenant.id, tenant.member.uid).ref("notifications").get().to_dict()
    assert doc is not None
    assert doc["messaging.message_sent"] == expected["messaging.message_sent"]
    assert (doc["tenantId"], doc["userId"]) == (tenant.id, tenant.member.uid)


def test_no_preferences_read_as_empty(tenant):
    assert call("user_get_preferences", {}, tenant.member) == {"notifications": {}}


@pytest.mark.parametrize(
    ("notifications", "field"),
    [
        ({"messaging.message_sent": {"sms": True}}, "notifications.messaging.message_sent.sms"),
        (
            {"messaging.message_sent": {"email": "yes please"}},
            "notifications.messaging.message_sent.email",
        ),
        ({"Bad Id": {"email": True}}, "notifications.Bad Id.[key]"),
        ({}, "notifications"),
    ],
)
def test_bad_preferences_are_invalid_argument_naming_the_field(tenant, notifications, field):
    error = refused("user_update_preferences", {"notifications": notifications}, tenant.member)

    assert (error.status, field in error.fields) == ("INVALID_ARGUMENT", True)
    assert call("user_get_preferences", {}, tenant.member) == {"notifications": {}}


def test_preferences_are_the_callers_own_only(tenant, other_tenant):
    error = refused("user_get_preferences", {"tenantId": tenant.id}, other_tenant.member)
    assert error.status == "PERMISSION_DENIED"
