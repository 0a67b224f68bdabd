"""The tenant's channel settings (secrets never answered, webhook URLs https, the SMTP password
kept across updates) and the Slack and Teams payloads (user text never read as markup)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from notifications import repositories as repos
from notifications import settings
from notifications.channels import webhooks
from notifications.models.settings import (
    SmtpSettings,
    TenantChannels,
    UpdateTenantChannels,
)
from tests.support.notification_fakes import FakeNotifications, fake_notifications

TENANT = "t1"
SLACK = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
TEAMS = "https://acme.webhook.office.com/workflows/secret-signature"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    return fake_notifications(monkeypatch)


def update(**wire: object) -> UpdateTenantChannels:
    return UpdateTenantChannels.model_validate(wire)


# -- secrets -----------------------------------------------------------------------------------
def test_the_answer_says_whether_webhooks_are_set_and_never_carries_their_urls():
    stored = TenantChannels(id="settings", slack_webhook_url=SLACK, teams_webhook_url=None)
    public = stored.public()
    assert public["slackWebhookConfigured"] is True
    assert public["teamsWebhookConfigured"] is False
    assert "secret" not in repr(public)


def test_an_smtp_update_without_a_password_keeps_the_stored_one(fake):
    smtp = {"host": "smtp.acme.test", "port": 587, "sender": "m@acme.test", "username": "m"}
    settings.update_tenant_channels(TENANT, update(smtp={**smtp, "password": "pw"}))

    answer = settings.update_tenant_channels(TENANT, update(smtp={**smtp, "port": 2525}))

    assert answer.smtp is not None and answer.smtp.password == "pw"
    assert answer.smtp.port == 2525
    assert answer.public()["smtp"]["hasPassword"] is True  # type: ignore[index]


def test_an_explicit_null_password_clears_it(fake):
    smtp = {"host": "smtp.acme.test", "port": 587, "sender": "m@acme.test", "username": "m"}
    settings.update_tenant_channels(TENANT, update(smtp={**smtp, "password": "pw"}))
    cleared = settings.update_tenant_channels(TENANT, update(smtp={**smtp, "password": None}))
    assert cleared.smtp is not None and cleared.smtp.password is None


def test_the_stored_password_never_follows_the_settings_to_another_server(fake):
    smtp = {"host": "smtp.acme.test", "port": 587, "sender": "m@acme.test", "username": "m"}
    settings.update_tenant_channels(TENANT, update(smtp={**smtp, "password": "pw"}))
    moved = settings.update_tenant_channels(
        TENANT, update(smtp={**smtp, "host": "smtp.elsewhere.test"})
    )
    assert moved.smtp is not None and moved.smtp.password is None
    stored = fake.docs(repos.tenant_channels(TENANT))[repos.CHANNEL_SETTINGS]
    assert stored.smtp.password is None


def test_a_tenants_smtp_server_uses_starttls_unless_told_not_to():
    smtp = {"host": "smtp.acme.test", "port": 587, "sender": "m@acme.test"}
    assert SmtpSettings.model_validate(smtp).starttls is True
    assert SmtpSettings.model_validate({**smtp, "starttls": False}).starttls is False


# -- webhook URLs ------------------------------------------------------------------------------
def test_webhook_urls_must_be_https(emulators):
    emulators(False)
    assert update(slackWebhookUrl=SLACK).slack_webhook_url == SLACK
    for url in ("http://hooks.slack.com/services/x", "http://127.0.0.1:9980/slack"):
        with pytest.raises(ValidationError):
            update(slackWebhookUrl=url)
        with pytest.raises(ValidationError):
            update(teamsWebhookUrl=url)


def test_plain_http_reaches_only_this_machine_and_only_under_the_emulators(emulators):
    emulators(True)
    assert update(teamsWebhookUrl="http://127.0.0.1:9980/teams").teams_webhook_url
    assert update(teamsWebhookUrl="http://localhost:9980/teams").teams_webhook_url
    with pytest.raises(ValidationError):
        update(teamsWebhookUrl="http://10.0.0.8/teams")


# -- destinations: tests/unit/test_notifications_destinations.py ---------------------------------


# -- payloads ----------------------------------------------------------------------------------
HOSTILE = "Hi <!channel> & see <http://evil.test|your bank> > now"


def test_slack_gets_user_text_with_its_control_characters_escaped():
    payload = webhooks.slack_payload(f"Ann {HOSTILE}", HOSTILE, "https://acme.test/c/1")
    body = payload["blocks"][1]["text"]
    assert body["type"] == "mrkdwn"
    assert body["text"] == (
        "Hi &lt;!channel&gt; &amp; see &lt;http://evil.test|your bank&gt; &gt; now"
    )
    assert "<" not in payload["text"] and "&lt;!channel&gt;" in payload["text"]
    assert payload["blocks"][0]["text"]["type"] == "plain_text"  # never parsed


def test_teams_gets_user_text_as_plain_text_runs_never_markdown():
    payload = webhooks.teams_payload("[bank](http://evil.test)", f"**{HOSTILE}**", None)
    card = payload["attachments"][0]["content"]
    blocks = card["body"]
    assert {b["type"] for b in blocks} == {"RichTextBlock"}
    runs = [run for b in blocks for run in b["inlines"]]
    assert {r["type"] for r in runs} == {"TextRun"}
    assert [r["text"] for r in runs] == ["[bank](http://evil.test)", f"**{HOSTILE}**"]
