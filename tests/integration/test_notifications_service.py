"""The notifications service through the real stack: events published to Pub/Sub as the
messaging, customer and auth services define them, the SMTP server's mailbox, the recorded
FCM/Slack/Teams requests, the in-app documents and badge, and the delivery records.

The emulators never redeliver, so at-least-once delivery is proven by publishing twice.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

import pytest

from notifications import records
from notifications import repositories as repos
from notifications.definitions import Channel
from notifications.models.deliveries import DeliveryRecord, DeliveryState
from shared import events
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.sinks import body, mails, sink_url, wait_for_mail, wait_for_request
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user, unique_id


@pytest.fixture
def people(tenant):
    """The tenant with branding and profiles for its people (display names, emails)."""
    from customer.models.tenants import Branding, TenantSettings

    branding = Branding(display_name="Acme Demo", host="acme.example.test")
    seed_tenant(tenant.id, settings=TenantSettings(branding=branding))
    for user in (tenant.admin, tenant.manager, tenant.member):
        seed_user_profile(tenant.id, user, display_name=f"Name {user.uid[-6:]}")
    return tenant


def mention_event(
    tenant_id: str, sender: str, mentioned: list[str], **extra: Any
) -> events.DomainEvent:
    message_id = unique_id("msg")
    return events.new_event(
        "messaging.user_mentioned",
        tenant_id=tenant_id,
        subject_id=message_id,
        data={
            "conversationId": "conv-1",
            "messageId": message_id,
            "senderId": sender,
            "mentionedUserIds": mentioned,
            "textPreview": "Hello <@x>, see the plan & the budget",
            **extra,
        },
    )


def deliveries(tenant_id: str, **where_: Any) -> list[DeliveryRecord]:
    found = list(repos.deliveries(tenant_id).stream_all())
    return [r for r in found if all(getattr(r, k) == v for k, v in where_.items())]


def record_of(
    tenant_id: str, event: events.DomainEvent, user: str, channel: Channel
) -> DeliveryRecord | None:
    request = records.request_id(tenant_id, f"{event.type}:{event.id}")
    return repos.deliveries(tenant_id).get(records.delivery_id(request, user, channel))


def state_becomes(
    tenant_id: str,
    event: events.DomainEvent,
    user: str,
    channel: Channel,
    state: DeliveryState,
    timeout: float = 30,
) -> DeliveryRecord:
    """The record of ``user`` on ``channel`` for ``event``, once it is in ``state``."""

    def reached() -> DeliveryRecord | None:
        record = record_of(tenant_id, event, user, channel)
        return record if record is not None and record.state is state else None

    return eventually(reached, timeout=timeout)


def badge(tenant_id: str, uid: str) -> int:
    found = repos.badges(tenant_id).get(uid)
    return found.unread_count if found else 0


def test_a_mention_gives_an_in_app_notification_a_badge_and_a_branded_email(people):
    event = mention_event(people.id, people.admin.uid, [people.member.uid])
    events.publish([event])

    eventually(lambda: badge(people.id, people.member.uid) == 1)
    [notification] = list(repos.inbox(people.id, people.member.uid).stream_all())
    assert notification.title == f"Name {people.admin.uid[-6:]} mentioned you"
    assert notification.link == "https://acme.example.test/conversations/conv-1"
    assert not notification.seen

    [mail] = wait_for_mail(people.member.email)
    assert mail["Subject"] == f"[Acme Demo] Name {people.admin.uid[-6:]} mentioned you"
    assert "Acme Demo" in str(mail["From"])
    assert "&lt;@x&gt;" in body(mail, "html") and "<@x>" in body(mail)
    assert "https://acme.example.test/conversations/conv-1" in body(mail)
    state_becomes(people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.SENT)


def test_the_same_event_delivered_twice_sends_once(people):
    event = mention_event(people.id, people.admin.uid, [people.member.uid])
    events.publish([event])
    state_becomes(people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.SENT)
    events.publish([event])
    later = mention_event(people.id, people.admin.uid, [people.manager.uid])
    events.publish([later])  # once this one is through, the repeat has been handled too
    state_becomes(people.id, later, people.manager.uid, Channel.EMAIL, DeliveryState.SENT)

    assert len(mails(people.member.email)) == 1
    assert badge(people.id, people.member.uid) == 1


def test_marking_viewed_returns_the_badge_to_zero_and_refuses_bad_input(people):
    for _ in range(2):
        events.publish(
            [
                mention_event(
                    people.id, people.admin.uid, [people.member.uid], messageId=unique_id("m")
                )
            ]
        )
    eventually(lambda: badge(people.id, people.member.uid) == 2)
    ids = [n.id for n in repos.inbox(people.id, people.member.uid).stream_all()]

    for bad, field in [
        ({"notificationIds": ids, "all": True}, "all"),
        ({}, "notificationIds"),
        ({"notificationIds": ["nope"]}, "notificationIds"),
    ]:
        with pytest.raises(CallableError) as refused:
            call("notifications_mark_viewed", bad, people.member)
        assert refused.value.status == "INVALID_ARGUMENT" and field in refused.value.fields

    assert (
        call("notifications_mark_viewed", {"notificationIds": ids[:1]}, people.member)[
            "unreadCount"
        ]
        == 1
    )
    assert call("notifications_mark_viewed", {"all": True}, people.member)["unreadCount"] == 0
    assert (
        call("notifications_archive", {"notificationIds": ids}, people.member)["unreadCount"] == 0
    )
    assert badge(people.id, people.member.uid) == 0


def test_another_users_notification_ids_are_unknown_to_the_caller(people):
    events.publish([mention_event(people.id, people.admin.uid, [people.member.uid])])
    eventually(lambda: badge(people.id, people.member.uid) == 1)
    [notification] = list(repos.inbox(people.id, people.member.uid).stream_all())

    with pytest.raises(CallableError) as refused:
        call("notifications_mark_viewed", {"notificationIds": [notification.id]}, people.manager)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert badge(people.id, people.member.uid) == 1


def test_an_opted_out_user_gets_in_app_but_no_email_and_the_record_says_why(people):
    call(
        "user_update_preferences",
        {"notifications": {"messaging.mention": {"email": False}}},
        people.member,
    )
    event = mention_event(people.id, people.admin.uid, [people.member.uid])
    events.publish([event])

    record = state_becomes(
        people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.SKIPPED
    )
    assert record.reason == "opted-out"
    assert badge(people.id, people.member.uid) == 1
    assert mails(people.member.email) == []


def test_a_deactivated_user_gets_nothing(people):
    seed_user_profile(people.id, people.member, disabled=True)
    event = mention_event(people.id, people.admin.uid, [people.member.uid])
    events.publish([event])

    record = state_becomes(
        people.id, event, people.member.uid, Channel.IN_APP, DeliveryState.SKIPPED
    )
    assert record.reason == "deactivated"
    assert badge(people.id, people.member.uid) == 0


def test_an_smtp_server_that_is_down_leaves_the_delivery_dead_and_resend_sends_it_once(people):
    call(
        "notifications_update_tenant_settings",
        {
            "smtp": {
                "host": "127.0.0.1",
                "port": 1,
                "sender": "mail@acme.test",
                "password": "secret",
            }
        },
        people.admin,
    )
    # Only content the whole tenant may read goes through the tenant's server.
    event = mention_event(people.id, people.admin.uid, [people.member.uid], visibility="tenant")
    events.publish([event])

    dead = state_becomes(
        people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.DEAD, timeout=60
    )
    # A generic reason: which port, address or error would make the records a port scanner.
    assert dead.attempts == 3 and dead.reason == "provider-unreachable"
    assert mails(people.member.email) == []

    answer = call("notifications_update_tenant_settings", {"smtp": None}, people.admin)
    assert "smtp" not in answer["settings"]
    with pytest.raises(CallableError) as refused:
        call("notifications_resend", {"deliveryId": dead.id}, people.member)
    assert refused.value.status == "PERMISSION_DENIED"
    call("notifications_resend", {"deliveryId": dead.id}, people.admin)

    state_becomes(people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.SENT)
    assert len(wait_for_mail(people.member.email)) == 1
    with pytest.raises(CallableError) as again:
        call("notifications_resend", {"deliveryId": dead.id}, people.admin)
    assert again.value.status == "FAILED_PRECONDITION"


def test_a_resent_delivery_that_fails_again_is_retried_to_dead_under_new_task_names(people):
    call(
        "notifications_update_tenant_settings",
        {"smtp": {"host": "127.0.0.1", "port": 1, "sender": "mail@acme.test", "starttls": False}},
        people.admin,
    )
    event = mention_event(people.id, people.admin.uid, [people.member.uid], visibility="tenant")
    events.publish([event])
    dead = state_becomes(
        people.id, event, people.member.uid, Channel.EMAIL, DeliveryState.DEAD, timeout=60
    )

    call("notifications_resend", {"deliveryId": dead.id}, people.admin)

    # Before task names carried the resend, the second attempt reused "{id}-2", which the queue
    # refused, and the record stayed failed for good.
    def dead_again() -> DeliveryRecord | None:
        record = record_of(people.id, event, people.member.uid, Channel.EMAIL)
        done = record is not None and record.resends == 1 and record.state is DeliveryState.DEAD
        return record if done else None

    again = eventually(dead_again, timeout=60)
    assert again.attempts == dead.attempts


def test_a_refusing_smtp_server_ends_dead_after_the_retries(people):
    seed_user_profile(people.id, people.manager, email="nobody@refuse.test")
    event = mention_event(people.id, people.admin.uid, [people.manager.uid])
    events.publish([event])
    dead = state_becomes(
        people.id, event, people.manager.uid, Channel.EMAIL, DeliveryState.DEAD, timeout=60
    )
    assert dead.reason == "provider-refused"  # the detail (SMTPRecipientsRefused) is logged


def test_slack_and_teams_get_block_kit_and_an_adaptive_card_when_the_tenant_turns_them_on(people):
    call(
        "notifications_update_tenant_settings",
        {
            "defaults": {"messaging.mention": {"slack": True, "teams": True}},
            "slackWebhookUrl": sink_url(f"/slack/{people.id}"),
            "teamsWebhookUrl": sink_url(f"/teams/{people.id}"),
        },
        people.admin,
    )
    # A tenant-wide channel carries a content-free notice, and only of what the whole tenant
    # may read (test_notifications_trust.py has the private cases).
    shared = mention_event(people.id, people.admin.uid, [people.member.uid], visibility="tenant")
    events.publish([shared])

    slack = wait_for_request(lambda r: r["path"] == f"/slack/{people.id}")
    teams = wait_for_request(lambda r: r["path"] == f"/teams/{people.id}")
    assert slack["body"]["blocks"][0]["type"] == "header"
    assert slack["body"]["blocks"][0]["text"]["text"] == "Acme Demo: someone was mentioned"
    assert "Hello" not in str(slack["body"]) and "conv-1" not in str(slack["body"])
    card = teams["body"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    runs = [run for block in card["content"]["body"] for run in block["inlines"]]
    assert runs[-1]["type"] == "TextRun" and "Someone was mentioned" in runs[-1]["text"]
    assert "Hello" not in str(teams["body"])


def direct_message_event(tenant_id: str, sender: str, recipient: str) -> events.DomainEvent:
    message_id = unique_id("dm")
    return events.new_event(
        "messaging.message_sent",
        tenant_id=tenant_id,
        subject_id=message_id,
        data={
            "conversationId": f"direct-{sender}-{recipient}",
            "conversationType": "direct",
            "messageId": message_id,
            "senderId": sender,
            "recipientIds": [recipient],
            "mutedIds": [],
            "textPreview": "Lunch?",
        },
    )


def test_a_direct_message_is_pushed_and_emailed_when_still_unread_after_the_delay(people):
    token = unique_id("tok")
    call("notifications_register_device_token", {"token": token, "platform": "web"}, people.member)
    event = direct_message_event(people.id, people.admin.uid, people.member.uid)
    events.publish([event])

    push = wait_for_request(lambda r: (r["body"] or {}).get("message", {}).get("token") == token)
    assert push["path"].startswith("/fcm/v1/projects/")
    assert push["body"]["message"]["notification"]["title"].startswith("New message from")
    [mail] = wait_for_mail(people.member.email)
    assert mail["Subject"].startswith("[Acme Demo] Unread message from")


def test_a_direct_message_seen_before_the_delay_sends_no_email(people):
    event = direct_message_event(people.id, people.admin.uid, people.manager.uid)
    events.publish([event])
    eventually(lambda: badge(people.id, people.manager.uid) == 1)
    call("notifications_mark_viewed", {"all": True}, people.manager)

    request = records.request_id(people.id, f"{event.type}:{event.id}")
    nudge_record = records.delivery_id(request, people.manager.uid, Channel.EMAIL, "unread-email")
    skipped = eventually(lambda: repos.deliveries(people.id).get(nudge_record))
    assert skipped.state is DeliveryState.SKIPPED and skipped.reason == "condition"
    assert mails(people.manager.email) == []


def group_message_event(
    tenant_id: str, conversation_id: str, sender: str, recipients: list[str], text: str
) -> events.DomainEvent:
    message_id = unique_id("gm")
    return events.new_event(
        "messaging.message_sent",
        tenant_id=tenant_id,
        subject_id=message_id,
        data={
            "conversationId": conversation_id,
            "conversationType": "group",
            "messageId": message_id,
            "senderId": sender,
            "recipientIds": recipients,
            "mutedIds": [],
            "textPreview": text,
        },
    )


def digest_window() -> int:
    return int(os.environ["NOTIFICATIONS_DIGEST_WINDOW_SECONDS"])


def at_a_window_start() -> None:
    """Wait for the next digest window (windows are fixed), so a handful of events fall in one."""
    window = digest_window()
    time.sleep(window - time.time() % window + 0.05)


def test_group_messages_arrive_in_digest_emails_each_once_and_redeliveries_add_none(people):
    """Six messages published at once, two of them redelivered within the window: each message
    is listed in exactly one digest. Usually that is one email; a loaded emulator that consumes
    the events across a window's end sends the late ones in the next window's digest, as
    production would (the one-bucket-per-window rule itself is unit-tested on the fake)."""
    conversation = unique_id("group")
    sent = [
        group_message_event(
            people.id, conversation, people.admin.uid, [people.member.uid], f"note {n}"
        )
        for n in range(6)
    ]
    at_a_window_start()
    events.publish(sent)
    events.publish(sent[:2])  # redelivered within the window

    def counted(digests: list[Any]) -> int:
        """The messages the digests' subjects count (``[Acme Demo] 6 new messages``)."""
        subjects = [
            re.fullmatch(r"\[Acme Demo\] (\d+) new messages?", m["Subject"]) for m in digests
        ]
        assert all(subjects), [m["Subject"] for m in digests]
        return sum(int(match[1]) for match in subjects if match)

    def all_six_digested() -> list[Any] | None:
        found = mails(people.member.email)
        return found if found and counted(found) >= 6 else None

    digests = eventually(all_six_digested, timeout=8 * digest_window() + 30)
    assert counted(digests) == 6
    bodies = [body(digest) for digest in digests]
    assert all(sum(f"note {n}" in text for text in bodies) == 1 for n in range(6)), bodies
    assert all(f"https://acme.example.test/conversations/{conversation}" in t for t in bodies)

    events.publish(sent[2:4])  # redelivered after the window closed
    time.sleep(2 * digest_window() + 3)  # a further digest would have been flushed by now
    assert len(mails(people.member.email)) == len(digests)


def test_push_without_a_device_token_is_skipped_and_invalid_tokens_are_forgotten(people):
    call(
        "notifications_register_device_token",
        {"token": "invalid-" + unique_id("t"), "platform": "android"},
        people.manager,
    )
    event = direct_message_event(people.id, people.admin.uid, people.manager.uid)
    events.publish([event])
    record = state_becomes(
        people.id, event, people.manager.uid, Channel.PUSH, DeliveryState.SKIPPED
    )
    assert record.reason == "no-token"
    assert list(repos.device_tokens(people.id).stream_all()) == []


def test_device_token_callables_refuse_bad_input_naming_the_field(people):
    for bad, field in [
        ({"token": "", "platform": "web"}, "token"),
        ({"token": "x" * 5000, "platform": "web"}, "token"),
        ({"token": "abc", "platform": "fax"}, "platform"),
    ]:
        with pytest.raises(CallableError) as refused:
            call("notifications_register_device_token", bad, people.member)
        assert refused.value.status == "INVALID_ARGUMENT" and field in refused.value.fields
    assert call(
        "notifications_unregister_device_token", {"token": "never-registered"}, people.member
    ) == {"ok": True}


def test_an_invited_user_receives_the_invitation_email_with_a_working_link(people):
    email = f"{unique_id('invitee')}@example.test"
    answer = call("customer_invite_user", {"email": email, "roles": ["member"]}, people.admin)

    [mail] = wait_for_mail(email)
    assert mail["Subject"] == "You are invited to join Acme Demo"
    link = re.search(r"https://acme\.example\.test/join\?token=(\S+)", body(mail))
    assert link is not None
    from urllib.parse import unquote

    token = unquote(link.group(1))
    assert token == answer["invitationToken"]
    invitee = create_user(tenant_id=None, roles=[], email=email)
    joined = call("customer_accept_invitation", {"token": token}, invitee)
    assert joined["tenantId"] == people.id


def test_a_password_reset_link_arrives_by_email(people):
    call("auth_send_password_reset", {"email": people.member.email})
    [mail] = wait_for_mail(people.member.email)
    assert mail["Subject"] == "Reset your password for Acme Demo"
    assert "oobCode=" in body(mail)


def test_tokens_unseen_for_sixty_days_are_swept_and_fresh_ones_kept(people):
    from datetime import UTC, datetime, timedelta

    from notifications import devices

    call(
        "notifications_register_device_token",
        {"token": "fresh-1", "platform": "ios"},
        people.member,
    )
    call(
        "notifications_register_device_token",
        {"token": "stale-1", "platform": "ios"},
        people.member,
    )
    stale = repos.device_tokens(people.id).require(devices.token_id("stale-1"))
    old = datetime.now(UTC) - timedelta(days=61)
    repos.device_tokens(people.id).set(stale.model_copy(update={"last_seen_at": old}))

    assert devices.sweep_stale(people.id) == 1
    assert devices.tokens_of(people.id, people.member.uid) == ["fresh-1"]
