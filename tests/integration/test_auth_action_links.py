"""Password-reset and email-verification links: public, throttled per email, per caller
address and overall, the same answer and the same work whether or not the email exists; the
link reaches the notifications service as an event, from a background task."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from shared import throttle
from shared.errors import ResourceExhausted
from tests.support.callables import CallableError, call
from tests.support.users import create_user, unique_id


def caller() -> dict[str, str]:
    """A caller address of its own: the throttle keys on the last X-Forwarded-For hop (the
    first one here shows that what a client puts before it does not count)."""
    return {"X-Forwarded-For": f"203.0.113.1, {unique_id('client')}"}


@pytest.mark.parametrize(
    ("callable_name", "event_type"),
    [
        ("auth_send_password_reset", "auth.password_reset_requested"),
        ("auth_send_email_verification", "auth.email_verification_requested"),
    ],
)
def test_a_signed_out_caller_gets_the_link_sent_as_an_event(callable_name, event_type, tap_events):
    user = create_user(tenant_id=unique_id("tenant"), roles=["member"])
    tap = tap_events("auth-events")

    answer = call(callable_name, {"email": user.email.upper()}, headers=caller())

    assert answer == {"accepted": True}
    event = tap.wait_for(lambda e: e.type == event_type and e.subject_id == user.uid)
    assert event.data["email"] == user.email
    assert "oobCode=" in event.data["link"]
    assert event.tenant_id == user.claims["tenantId"]


def test_an_unknown_email_gets_the_same_answer_and_no_link(tap_events):
    tap = tap_events("auth-events")
    email = f"{unique_id('nobody')}@example.test"

    assert call("auth_send_password_reset", {"email": email}, headers=caller()) == {
        "accepted": True
    }

    seen = tap.collect(seconds=3)
    assert not [e for e in seen if e.data.get("email") == email]


def test_the_fourth_request_for_one_email_within_the_window_is_resource_exhausted():
    email = f"{unique_id('someone')}@example.test"
    for _ in range(3):
        call("auth_send_password_reset", {"email": email}, headers=caller())

    with pytest.raises(CallableError) as refused:
        call("auth_send_password_reset", {"email": email}, headers=caller())

    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert refused.value.details["type"] == "throttle/exceeded"
    assert refused.value.details["retryAfterSeconds"] > 0
    # Another email is not affected.
    call("auth_send_password_reset", {"email": f"{unique_id('other')}@example.test"})


def test_one_caller_asking_for_many_different_emails_is_stopped_after_its_limit():
    from auth.action_links import CALLER_LIMIT

    one_client = caller()
    for n in range(CALLER_LIMIT):
        call(
            "auth_send_password_reset",
            {"email": f"spray{n}-{uuid.uuid4().hex}@x.test"},
            headers=one_client,
        )

    with pytest.raises(CallableError) as refused:
        call(
            "auth_send_password_reset",
            {"email": f"{unique_id('spray')}@x.test"},
            headers=one_client,
        )

    assert (refused.value.status, refused.value.details["type"]) == (
        "RESOURCE_EXHAUSTED",
        "throttle/exceeded",
    )
    # Another caller is not affected; the other link kind has a budget of its own.
    call("auth_send_password_reset", {"email": f"{unique_id('x')}@x.test"}, headers=caller())
    call("auth_send_email_verification", {"email": f"{unique_id('x')}@x.test"}, headers=one_client)


def test_the_overall_window_refuses_everyone_once_full_and_a_refusal_costs_no_other_budget():
    action, window = unique_id("overall"), timedelta(minutes=5)

    def request(email: str) -> list[throttle.Limit]:
        return [
            throttle.Limit(f"{action}-email", email, 3, window),
            throttle.Limit(f"{action}-all", "0", 2, window),
        ]

    throttle.take_all(request("a@x.test"))
    throttle.take_all(request("b@x.test"))
    with pytest.raises(ResourceExhausted) as refused:
        throttle.take_all(request("c@x.test"))

    assert refused.value.type == "throttle/exceeded"
    # c's own budget was not touched by the refused call: 3 left for it in a fresh overall window.
    left = throttle.take_all([throttle.Limit(f"{action}-email", "c@x.test", 3, window)])
    assert left == [2]


@pytest.mark.parametrize("payload", [{}, {"email": "not-an-email"}, {"email": "a@b.test", "x": 1}])
def test_bad_input_is_invalid_argument_naming_the_field(payload):
    with pytest.raises(CallableError) as refused:
        call("auth_send_password_reset", payload, headers=caller())

    assert refused.value.status == "INVALID_ARGUMENT"
    assert refused.value.fields == [next(iter(set(payload) - {"email"}), "email")]
