"""How far a tenant's own channels are trusted, as declared and decided, without Firestore.

A tenant admin runs the tenant's SMTP server and reads its Slack/Teams channels: the shipped
definitions keep credentials off the one and private content off the others, a definition
that would reach a tenant-wide channel must say so, and the decisions skip what a tenant-wide
channel may not carry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from notifications import decisions, sources
from notifications.channels import Undeliverable
from notifications.decisions import Recipient, SkipReason
from notifications.definitions import Channel, Definition, Definitions, definitions
from notifications.models.deliveries import DeliveryRecord
from shared.events import DomainEvent, new_event
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.notification_fakes import FakeNotifications, fake_notifications

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TENANT = Recipient(user_id=None)
CREDENTIALS = ("auth.password_reset", "auth.email_verification", "customer.invitation")


def mention_like(**overrides: object) -> Definition:
    base: dict[str, object] = {
        "channels": {
            "email": {"enabled": True, "template": "mention"},
            "slack": {"enabled": True, "template": "mention_notice"},
        },
        "tenantChannels": "notice",
    }
    base.update(overrides)
    return Definition.model_validate(base)


def test_no_shipped_notification_carrying_a_credential_may_use_the_tenants_mail_server():
    for notification_id in CREDENTIALS:
        found = definitions().get(notification_id)
        assert found is not None and not found.tenant_mail_server, notification_id


def test_a_definition_trusts_no_tenant_channel_unless_it_says_so():
    plain = Definition.model_validate({"channels": {"email": {"enabled": True, "template": "x"}}})
    assert not plain.tenant_mail_server
    assert plain.tenant_channels.value == "none"
    assert definitions().budget_of("no.such.notification") == definitions().email_budget


def test_a_definition_naming_slack_or_teams_without_tenant_channels_fails_at_load():
    with pytest.raises(ValidationError, match="tenantChannels is none"):
        mention_like(tenantChannels="none")


def test_a_definition_naming_an_unknown_freshness_check_fails_at_load():
    shipped = definitions().model_dump(by_alias=True)
    shipped["notifications"]["customer.invitation"]["current"] = "no-such-check"
    with pytest.raises(ValidationError, match="unknown current check"):
        Definitions.model_validate(shipped)


def test_a_tenant_wide_channel_skips_a_request_not_shared_with_the_tenant_as_private():
    verdicts = decisions.decide(
        mention_like(), TENANT, channels=[Channel.SLACK], shared_with_tenant=False, now=NOW
    )
    assert verdicts[Channel.SLACK] == decisions.skip(SkipReason.PRIVATE)


def test_a_tenant_wide_channel_carries_a_notice_of_what_the_whole_tenant_may_read():
    verdicts = decisions.decide(
        mention_like(), TENANT, channels=[Channel.SLACK], shared_with_tenant=True, now=NOW
    )
    assert verdicts[Channel.SLACK].send


def message_event(visibility: str | None, conversation_type: str = "group") -> DomainEvent:
    data = {
        "conversationId": "c1",
        "conversationType": conversation_type,
        "messageId": "m1",
        "senderId": "u1",
        "senderName": "Ann",
        "mentionedUserId": "u2",
        "recipientIds": ["u2"],
        "textPreview": "hi",
    }
    if visibility is not None:
        data["visibility"] = visibility
    return new_event("messaging.user_mentioned", tenant_id="t1", subject_id="m1", data=data)


@pytest.mark.parametrize(
    ("visibility", "conversation_type", "shared"),
    [
        (None, "group", False),
        ("participants", "group", False),
        ("tenant", "group", True),
        ("tenant", "direct", False),
    ],
)
def test_only_a_conversation_the_whole_tenant_may_read_is_shared_with_the_tenant(
    visibility, conversation_type, shared
):
    event = message_event(visibility, conversation_type)
    request = sources.mention(event)
    assert request is not None and request.shared_with_tenant is shared


# ---- the per-address email budget and the device-token holders, on the in-memory unit


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    from notifications import devices

    found = fake_notifications(monkeypatch)

    def run(work: Any, **_: Any) -> Any:
        return FakeUnitOfWork(found.uow.store).run(work)

    monkeypatch.setattr(devices, "in_transaction", run)
    return found


def email_record(number: int, *, counted: bool = False) -> DeliveryRecord:
    from notifications import repositories as repos

    record = DeliveryRecord(
        id=f"d{number}",
        tenant_id="t1",
        request_id=f"r{number}",
        notification_id="messaging.mention",
        channel=Channel.EMAIL,
        recipient_id="u1",
        attempts=1,
        budget_counted=counted,
    )
    repos.deliveries("t1").set(record)
    return record


def test_an_address_gets_its_budget_of_emails_and_the_next_is_skipped_as_budget(fake):
    from notifications import budgets

    limit = definitions().budget_of("messaging.mention").limit
    for number in range(limit):
        budgets.take_email(email_record(number), "Ann@Example.test")
    with pytest.raises(Undeliverable) as refused:
        budgets.take_email(email_record(limit), "ann@example.test")
    assert refused.value.reason == SkipReason.BUDGET
    budgets.take_email(email_record(limit + 1), "bob@example.test")  # another address: its own


def test_a_retried_email_already_counted_is_neither_counted_again_nor_refused(fake):
    from notifications import budgets

    limit = definitions().budget_of("messaging.mention").limit
    records = [email_record(number) for number in range(limit)]
    for record in records:
        budgets.take_email(record, "ann@example.test")
    again = records[0].model_copy(update={"budget_counted": False, "attempts": 2})
    budgets.take_email(again, "ann@example.test")  # the stored record says it was counted


def test_a_device_token_has_one_holder_until_they_unregister_it(fake):
    from notifications import devices
    from notifications.models.devices import Platform
    from shared.errors import AlreadyExists

    devices.register("t1", "ann", "tok-1", Platform.IOS)
    devices.register("t1", "ann", "tok-1", Platform.IOS)  # a repeat refreshes
    for tenant, thief in (("t1", "bob"), ("t2", "eve")):
        with pytest.raises(AlreadyExists) as refused:
            devices.register(tenant, thief, "tok-1", Platform.IOS)
        assert refused.value.fields[0]["field"] == "token"
        devices.unregister(tenant, thief, "tok-1")  # not theirs: nothing
    devices.unregister("t1", "ann", "tok-1")
    devices.register("t2", "eve", "tok-1", Platform.IOS)


def test_a_holder_whose_registration_was_swept_or_forgotten_no_longer_holds_the_token(fake):
    from notifications import devices
    from notifications.models.devices import Platform

    devices.register("t1", "ann", "tok-2", Platform.ANDROID)
    devices.forget("t1", ["tok-2"])  # FCM said invalid (or the sweep found it stale)
    devices.register("t1", "bob", "tok-2", Platform.ANDROID)
