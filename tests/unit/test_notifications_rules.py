"""The notifications service's decision rules, templates and definitions, without Firestore."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from notifications import decisions, settings
from notifications.decisions import QuietHours, Recipient, SkipReason
from notifications.definitions import Channel, Definition, Definitions, definitions
from notifications.models.settings import UpdateTenantChannels
from notifications.templates import RenderError, locale_chain, render
from shared.errors import InvalidArgument

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
USER = Recipient(user_id="u1", email="u1@example.test")


def definition(**overrides: object) -> Definition:
    base: dict[str, object] = {
        "optOut": True,
        "minIntervalSeconds": 60,
        "channels": {
            "inApp": {"enabled": True, "template": "mention"},
            "email": {"enabled": True, "template": "mention"},
            "push": {"enabled": False, "template": "mention"},
        },
    }
    base.update(overrides)
    return Definition.model_validate(base)


def verdicts(
    d: Definition, recipient: Recipient = USER, **kwargs: Any
) -> dict[Channel, decisions.Verdict]:
    return decisions.decide(d, recipient, now=NOW, **kwargs)


def test_the_definition_decides_when_neither_tenant_nor_user_chose():
    result = verdicts(definition())
    assert result[Channel.IN_APP].send and result[Channel.EMAIL].send
    assert result[Channel.PUSH] == decisions.skip(SkipReason.OFF)


def test_the_tenant_default_overrides_the_definition_and_the_user_overrides_the_tenant():
    result = verdicts(
        definition(),
        tenant_defaults={"push": True, "email": False},
        user_choices={"email": True},
    )
    assert result[Channel.PUSH].send
    assert result[Channel.EMAIL].send


def test_a_user_who_opted_out_is_skipped_with_the_reason_opted_out():
    result = verdicts(definition(), user_choices={"email": False})
    assert result[Channel.EMAIL] == decisions.skip(SkipReason.OPTED_OUT)
    assert result[Channel.IN_APP].send


def test_an_opt_out_counts_for_nothing_where_the_definition_allows_none():
    result = verdicts(definition(optOut=False), user_choices={"email": False})
    assert result[Channel.EMAIL].send


def test_a_critical_notification_ignores_opt_outs_and_quiet_hours():
    quiet = QuietHours(time(0, 0), time(23, 59), "UTC")
    recipient = Recipient(user_id="u1", email="a@b.test", quiet_hours=quiet)
    result = verdicts(definition(critical=True), recipient, user_choices={"email": False})
    assert result[Channel.EMAIL].send


def test_a_tenant_may_add_channels_to_a_critical_notification_but_never_turn_one_off():
    result = verdicts(definition(critical=True), tenant_defaults={"email": False, "push": True})
    assert result[Channel.EMAIL].send
    assert result[Channel.PUSH].send


@pytest.mark.parametrize(
    ("defaults", "field"),
    [
        ({"no.such-notification": {"email": True}}, "defaults.no.such-notification"),
        ({"messaging.digest": {"push": True}}, "defaults.messaging.digest.push"),
        ({"customer.invitation": {"email": False}}, "defaults.customer.invitation.email"),
    ],
)
def test_tenant_defaults_name_a_defined_notification_and_channel_and_keep_critical_ones_on(
    defaults: dict[str, dict[str, bool]], field: str
):
    request = UpdateTenantChannels.model_validate({"defaults": defaults})
    with pytest.raises(InvalidArgument) as refused:
        settings.update_tenant_channels("t1", request)  # refused before any read or write
    assert [f["field"] for f in refused.value.fields] == [field]


def test_a_deactivated_user_gets_nothing_on_any_channel():
    result = verdicts(definition(), Recipient(user_id="u1", email="a@b.test", disabled=True))
    assert {v.reason for v in result.values()} == {SkipReason.DEACTIVATED}


def test_an_unknown_user_is_skipped_as_no_user():
    result = verdicts(definition(), Recipient(user_id="u1", exists=False))
    assert {v.reason for v in result.values()} == {SkipReason.NO_USER}


def test_quiet_hours_hold_back_email_but_not_in_app_in_the_users_time_zone():
    # 12:00 UTC is 21:00 in Tokyo: inside 20:00-08:00 there, outside it in UTC.
    tokyo = QuietHours(time(20, 0), time(8, 0), "Asia/Tokyo")
    utc = QuietHours(time(20, 0), time(8, 0), "UTC")
    in_tokyo = verdicts(definition(), Recipient(user_id="u", email="a@b.test", quiet_hours=tokyo))
    in_utc = verdicts(definition(), Recipient(user_id="u", email="a@b.test", quiet_hours=utc))
    assert in_tokyo[Channel.EMAIL] == decisions.skip(SkipReason.QUIET_HOURS)
    assert in_tokyo[Channel.IN_APP].send
    assert in_utc[Channel.EMAIL].send


def test_quiet_hours_within_one_day_and_across_midnight():
    day = QuietHours(time(9, 0), time(17, 0), "UTC")
    night = QuietHours(time(22, 0), time(6, 0), "UTC")
    assert day.contains(NOW) and not day.contains(NOW + timedelta(hours=6))
    assert night.contains(NOW + timedelta(hours=11)) and not night.contains(NOW)
    assert not QuietHours(time(9, 0), time(9, 0)).contains(NOW)


def test_one_entity_notifies_one_channel_at_most_once_per_interval():
    recent = {
        Channel.EMAIL: NOW - timedelta(seconds=30),
        Channel.IN_APP: NOW - timedelta(seconds=61),
    }
    result = verdicts(definition(), last_sent=recent)
    assert result[Channel.EMAIL] == decisions.skip(SkipReason.THRESHOLD)
    assert result[Channel.IN_APP].send


def test_no_interval_means_no_threshold():
    result = verdicts(definition(minIntervalSeconds=0), last_sent={Channel.EMAIL: NOW})
    assert result[Channel.EMAIL].send


def test_email_to_a_user_without_an_address_is_skipped_as_no_address():
    result = verdicts(definition(), Recipient(user_id="u1", email=None))
    assert result[Channel.EMAIL] == decisions.skip(SkipReason.NO_ADDRESS)


def test_retries_back_off_exponentially_up_to_a_cap():
    delays = [decisions.retry_delay(n, base_seconds=30, cap_seconds=600) for n in range(1, 7)]
    assert delays == [30, 60, 120, 240, 480, 600]


# -- definitions and templates -----------------------------------------------------------------
def test_the_shipped_definitions_load_and_name_every_out_of_the_box_notification():
    loaded = definitions()
    assert {
        "messaging.mention",
        "messaging.direct_message",
        "customer.invitation",
        "auth.password_reset",
        "auth.email_verification",
    } <= set(loaded.notifications)


def test_a_definition_naming_a_missing_template_fails_at_load_naming_the_file():
    raw = {"notifications": {"x.y": {"channels": {"email": {"enabled": True, "template": "nope"}}}}}
    with pytest.raises(ValidationError, match=r"nope/subject\.en\.j2"):
        Definitions.model_validate(raw)


def test_a_nudge_on_an_undeclared_channel_is_refused_at_load():
    with pytest.raises(ValidationError, match="undeclared channel"):
        definition(nudges=[{"id": "n", "delaySeconds": 5, "condition": "c", "channel": "slack"}])


def test_locales_fall_back_from_region_to_language_to_the_default():
    assert locale_chain("de-CH", "en") == ["de-CH", "de", "en"]
    assert locale_chain(None, "en") == ["en"]


CONTEXT = {
    "tenant": {"name": "Acme & Sons", "logo_url": None, "host": "acme.example"},
    "recipient": {"display_name": "Mia", "email": "mia@example.test"},
    "data": {"senderName": "Bo", "excerpt": "<script>alert(1)</script>"},
    "link": "https://acme.example/conversations/c1",
}


def test_html_is_autoescaped_and_the_text_part_is_left_plain():
    parts = render("mention", Channel.EMAIL, "en", CONTEXT)
    assert "&lt;script&gt;" in parts["html"] and "<script>" not in parts["html"]
    assert "<script>alert(1)</script>" in parts["text"]
    assert parts["subject"] == "[Acme & Sons] Bo mentioned you"


def test_a_regional_locale_uses_its_language_and_missing_parts_fall_back_to_the_default():
    parts = render("mention", Channel.EMAIL, "de-AT", CONTEXT)
    assert parts["subject"] == "[Acme & Sons] Bo hat Sie erwähnt"
    assert parts["text"].startswith("Hello Mia")


def test_a_template_missing_a_variable_raises_a_render_error_naming_the_part():
    with pytest.raises(RenderError, match="mention/title"):
        render("mention", Channel.IN_APP, "en", {**CONTEXT, "data": {}})


def test_the_sandbox_refuses_reaching_python_internals():
    from notifications.templates import environment

    template = environment().from_string("{{ data.__class__.__mro__ }}")
    from jinja2.exceptions import SecurityError, UndefinedError

    with pytest.raises((SecurityError, UndefinedError)):
        template.render(data={})
