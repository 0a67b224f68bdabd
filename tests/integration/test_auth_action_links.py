"""Password-reset and email-verification links: public, throttled per email, never revealing
whether the email exists; the link reaches the notifications service as an event."""

from __future__ import annotations

import pytest

from tests.support.callables import CallableError, call
from tests.support.users import create_user, unique_id


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

    answer = call(callable_name, {"email": user.email.upper()})

    assert answer == {"accepted": True}
    event = tap.wait_for(lambda e: e.type == event_type and e.subject_id == user.uid)
    assert event.data["email"] == user.email
    assert "oobCode=" in event.data["link"]
    assert event.tenant_id == user.claims["tenantId"]


def test_an_unknown_email_gets_the_same_answer_and_no_link(tap_events):
    tap = tap_events("auth-events")
    email = f"{unique_id('nobody')}@example.test"

    assert call("auth_send_password_reset", {"email": email}) == {"accepted": True}

    seen = tap.collect(seconds=3)
    assert not [e for e in seen if e.data.get("email") == email]


def test_the_fourth_request_for_one_email_within_the_window_is_resource_exhausted():
    email = f"{unique_id('someone')}@example.test"
    for _ in range(3):
        call("auth_send_password_reset", {"email": email})

    with pytest.raises(CallableError) as refused:
        call("auth_send_password_reset", {"email": email})

    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert refused.value.details["type"] == "throttle/exceeded"
    assert refused.value.details["retryAfterSeconds"] > 0
    # Another email is not affected.
    call("auth_send_password_reset", {"email": f"{unique_id('other')}@example.test"})


@pytest.mark.parametrize("payload", [{}, {"email": "not-an-email"}, {"email": "a@b.test", "x": 1}])
def test_bad_input_is_invalid_argument_naming_the_field(payload):
    with pytest.raises(CallableError) as refused:
        call("auth_send_password_reset", payload)

    assert refused.value.status == "INVALID_ARGUMENT"
    assert refused.value.fields == [next(iter(set(payload) - {"email"}), "email")]
