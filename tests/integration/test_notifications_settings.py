"""The tenant's notification channel settings through the callable: the SMTP password and
webhook URLs are never answered, an update keeps what it leaves out, and refused settings
(unknown notifications, critical ones switched off, private hosts, plain http) name the field.
Delivery through these settings is in ``test_notifications_service.py``."""

from __future__ import annotations

import pytest

from notifications import repositories as repos
from tests.support.callables import CallableError, call


def test_the_tenants_smtp_password_is_never_answered(seeded_tenant):
    answer = call(
        "notifications_update_tenant_settings",
        {
            "smtp": {
                "host": "smtp.acme.test",
                "port": 587,
                "sender": "m@acme.test",
                "password": "pw",
            }
        },
        seeded_tenant.admin,
    )
    assert answer["settings"]["smtp"] == {
        "host": "smtp.acme.test",
        "port": 587,
        "sender": "m@acme.test",
        "starttls": True,
        "hasPassword": True,
    }


def test_an_smtp_update_without_a_password_keeps_it_and_null_clears_it(seeded_tenant):
    smtp = {"host": "smtp.acme.test", "port": 587, "sender": "m@acme.test", "username": "m"}
    call(
        "notifications_update_tenant_settings",
        {"smtp": {**smtp, "password": "pw"}},
        seeded_tenant.admin,
    )

    kept = call(
        "notifications_update_tenant_settings", {"smtp": {**smtp, "port": 25}}, seeded_tenant.admin
    )
    assert kept["settings"]["smtp"]["hasPassword"] is True
    stored = repos.tenant_channels(seeded_tenant.id).get(repos.CHANNEL_SETTINGS)
    assert stored is not None and stored.smtp is not None and stored.smtp.password == "pw"

    cleared = call(
        "notifications_update_tenant_settings",
        {"smtp": {**smtp, "password": None}},
        seeded_tenant.admin,
    )
    assert cleared["settings"]["smtp"]["hasPassword"] is False


def test_tenant_settings_refuse_unknown_notifications_critical_ones_off_and_private_hosts(
    seeded_tenant,
):
    smtp = {"port": 587, "sender": "mail@acme.test"}
    for settings, field in (
        ({"defaults": {"messaging.nothing": {"email": True}}}, "defaults.messaging.nothing"),
        (
            {"defaults": {"auth.password_reset": {"email": False}}},
            "defaults.auth.password_reset.email",
        ),
        ({"smtp": {**smtp, "host": "169.254.169.254"}}, "smtp.host"),
        ({"slackWebhookUrl": "https://10.0.0.8/hook"}, "slackWebhookUrl"),
    ):
        with pytest.raises(CallableError) as refused:
            call("notifications_update_tenant_settings", settings, seeded_tenant.admin)
        assert refused.value.status == "INVALID_ARGUMENT" and refused.value.fields == [field]
    answer = call(
        "notifications_update_tenant_settings",
        {"defaults": {"auth.password_reset": {"email": True}}},
        seeded_tenant.admin,
    )
    assert answer["settings"]["defaults"] == {"auth.password_reset": {"email": True}}


def test_webhook_urls_are_never_answered_and_must_be_https_beyond_this_machine(seeded_tenant):
    answer = call(
        "notifications_update_tenant_settings",
        {"slackWebhookUrl": "https://hooks.slack.test/services/T/B/secret"},
        seeded_tenant.admin,
    )
    assert answer["settings"]["slackWebhookConfigured"] is True
    assert answer["settings"]["teamsWebhookConfigured"] is False
    assert "secret" not in repr(answer)
    for field in ("slackWebhookUrl", "teamsWebhookUrl"):
        with pytest.raises(CallableError) as refused:
            call(
                "notifications_update_tenant_settings",
                {field: "http://hooks.example.test/plain"},
                seeded_tenant.admin,
            )
        assert refused.value.status == "INVALID_ARGUMENT" and field in refused.value.fields


def test_numeric_host_spellings_and_urls_two_parsers_read_differently_are_refused_when_saved(
    seeded_tenant,
):
    """Each is the metadata server or loopback to a resolver or an HTTP library, while a naive
    check saw a name or a public host (issue 20, item 7): refused, naming the field, with
    nothing stored."""
    smtp = {"port": 587, "sender": "mail@acme.test"}
    hosts = ("2852039166", "0xa9fea9fe", "127.1", "0", "169.254.169.254.", "0177.0.0.1")
    urls = (
        "https://127.0.0.1:9980\\@hooks.example.com/x",
        "https://user@hooks.example.com/x",
        "https://[64:ff9b::a9fe:a9fe]/x",
        "https://[::ffff:a9fe:a9fe]/x",
        "https://2852039166/x",
    )
    cases: list[tuple[dict[str, object], str]] = [
        ({"smtp": {**smtp, "host": host}}, "smtp.host") for host in hosts
    ]
    cases += [({"teamsWebhookUrl": url}, "teamsWebhookUrl") for url in urls]
    for settings, field in cases:
        with pytest.raises(CallableError) as refused:
            call("notifications_update_tenant_settings", settings, seeded_tenant.admin)
        assert (refused.value.status, refused.value.fields) == ("INVALID_ARGUMENT", [field])
    stored = repos.tenant_channels(seeded_tenant.id).get(repos.CHANNEL_SETTINGS)
    assert stored is None or (stored.smtp is None and stored.teams_webhook_url is None)
