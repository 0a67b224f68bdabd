"""How far the notifications service trusts a tenant's own channels, through the real stack.

A tenant admin may configure the tenant's SMTP server and its Slack/Teams webhooks, so each is
a channel the admin reads. These tests play that admin as an attacker of their own users:
credentials (password-reset and verification links, invitation tokens) must never travel
through the admin's server, nothing of a private conversation may reach a tenant-wide channel,
and the delivery records the admin reads must not say who messaged whom. Also here: the
per-address email budget under parallel requests, stale invitations, and who may hold a
device token.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from notifications import records
from notifications import repositories as repos
from notifications.definitions import Channel
from notifications.models.deliveries import DeliveryRecord, DeliveryState, Recipient
from shared import events
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.sinks import body, mails, sink_url, wait_for_mail, wait_for_request
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user, unique_id


class CapturingServer:
    """An SMTP server the tenant admin runs: it keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(cast(EmailMessage, message_from_bytes(raw, policy=policy.default)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


@pytest.fixture
def attacker_smtp() -> Iterator[tuple[CapturingServer, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = CapturingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def people(tenant):
    from customer.models.tenants import Branding, TenantSettings

    branding = Branding(display_name="Acme Trust", host="acme.example.test")
    seed_tenant(tenant.id, settings=TenantSettings(branding=branding))
    for user in (tenant.admin, tenant.manager, tenant.member):
        seed_user_profile(tenant.id, user, display_name=f"Name {user.uid[-6:]}")
    return tenant


def use_tenant_smtp(people: Any, port: int) -> None:
    call(
        "notifications_update_tenant_settings",
        {
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "sender": "mail@evil.test",
                "starttls": False,
            }
        },
        people.admin,
    )


def mention_event(tenant_id: str, sender: str, mentioned: str, **extra: Any) -> events.DomainEvent:
    message_id = unique_id("msg")
    return events.new_event(
        "messaging.user_mentioned",
        tenant_id=tenant_id,
        subject_id=message_id,
        data={
            "conversationId": unique_id("conv"),
            "conversationType": "group",
            "visibility": "participants",
            "messageId": message_id,
            "senderId": sender,
            "senderName": "Secret Sender",
            "mentionedUserId": mentioned,
            "textPreview": "the merger closes on friday",
            **extra,
        },
    )


def record(tenant_id: str, event: events.DomainEvent, key: str, channel: Channel) -> Any:
    request = records.request_id(tenant_id, f"{event.type}:{event.id}")
    return repos.deliveries(tenant_id).get(records.delivery_id(request, key, channel))


def final_record(
    tenant_id: str, event: events.DomainEvent, key: str, channel: Channel, timeout: float = 60
) -> DeliveryRecord:
    def done() -> DeliveryRecord | None:
        found = record(tenant_id, event, key, channel)
        final = (DeliveryState.SENT, DeliveryState.SKIPPED, DeliveryState.DEAD)
        return found if found is not None and found.state in final else None

    return eventually(done, timeout=timeout)


# ---- item 1: credentials travel only through the platform's mail server


def test_a_peer_admins_password_reset_link_reaches_the_platform_mailbox_not_the_tenants_server(
    people, attacker_smtp
):
    captured, port = attacker_smtp
    peer = create_user(tenant_id=people.id, roles=["tenant-admin"])
    seed_user_profile(people.id, peer, display_name="Peer Admin")
    use_tenant_smtp(people, port)
    # The tenant's server does carry what it may: a mention in a conversation the whole tenant
    # reads reaches it (so the test below would see a reset link there if one went through it).
    events.publish([mention_event(people.id, people.admin.uid, peer.uid, visibility="tenant")])
    eventually(lambda: captured.to(peer.email), timeout=60)

    call("auth_send_password_reset", {"email": peer.email})
    call("auth_send_email_verification", {"email": peer.email})

    arrived = wait_for_mail(peer.email, count=2, timeout=60)
    assert all("oobCode=" in body(m) for m in arrived)
    assert not any("oobCode=" in body(m) for m in captured.to(peer.email))


def test_an_invitation_token_reaches_the_platform_mailbox_not_the_tenants_server(
    people, attacker_smtp
):
    captured, port = attacker_smtp
    use_tenant_smtp(people, port)
    email = f"{unique_id('invitee')}@example.test"

    answer = call("customer_invite_user", {"email": email, "roles": ["member"]}, people.admin)

    [mail] = wait_for_mail(email, timeout=60)
    assert answer["invitationToken"].split(".")[-1] in body(mail)
    assert captured.to(email) == []


def test_a_platform_admin_holding_a_tenant_claim_is_outside_the_tenants_reach(
    people, attacker_smtp
):
    captured, port = attacker_smtp
    operator = create_user(tenant_id=people.id, roles=["tenant-admin"], platform_admin=True)
    use_tenant_smtp(people, port)

    call("auth_send_password_reset", {"email": operator.email})

    [mail] = wait_for_mail(operator.email, timeout=60)
    assert "oobCode=" in body(mail)
    assert "Acme Trust" not in str(mail["Subject"]) + str(mail["From"])
    assert captured.to(operator.email) == []
    tenant_records = [
        r for r in repos.deliveries(people.id).stream_all() if r.recipient_email == operator.email
    ]
    assert tenant_records == []


def test_a_mention_in_a_private_conversation_goes_through_the_platforms_server_not_the_tenants(
    people, attacker_smtp
):
    captured, port = attacker_smtp
    use_tenant_smtp(people, port)

    events.publish([mention_event(people.id, people.admin.uid, people.member.uid)])

    [mail] = wait_for_mail(people.member.email, timeout=60)
    assert "merger" in body(mail)
    assert captured.messages == []


# ---- item 6: nothing of a private conversation reaches a tenant-wide channel


def turn_on_tenant_channels(people: Any) -> None:
    call(
        "notifications_update_tenant_settings",
        {
            "defaults": {"messaging.mention": {"slack": True, "teams": True}},
            "slackWebhookUrl": sink_url(f"/slack/{people.id}"),
            "teamsWebhookUrl": sink_url(f"/teams/{people.id}"),
        },
        people.admin,
    )


TENANT = Recipient(email="tenant").key


def test_a_mention_in_a_private_conversation_reaches_no_tenant_wide_channel(people):
    turn_on_tenant_channels(people)
    event = mention_event(people.id, people.admin.uid, people.member.uid)
    events.publish([event])

    for channel in (Channel.SLACK, Channel.TEAMS):
        found = final_record(people.id, event, TENANT, channel)
        assert (found.state, found.reason) == (DeliveryState.SKIPPED, "private")
    assert _tenant_posts(people.id) == []


def test_a_tenant_wide_channel_gets_a_notice_without_content_of_what_the_tenant_may_read(people):
    turn_on_tenant_channels(people)
    event = mention_event(people.id, people.admin.uid, people.member.uid, visibility="tenant")
    events.publish([event])

    slack = wait_for_request(lambda r: r["path"] == f"/slack/{people.id}", timeout=60)
    teams = wait_for_request(lambda r: r["path"] == f"/teams/{people.id}", timeout=60)
    for post in (slack, teams):
        text = str(post["body"])
        assert "mentioned" in text
        for secret in ("merger", "Secret Sender", event.data["conversationId"]):
            assert secret not in text


def _tenant_posts(tenant_id: str) -> list[dict[str, Any]]:
    from tests.support.sinks import requests_log

    paths = (f"/slack/{tenant_id}", f"/teams/{tenant_id}")
    return [r for r in requests_log() if r["path"] in paths]


# ---- item 15: delivery records admins read do not say who messaged whom


def test_delivery_records_of_a_direct_message_do_not_name_the_conversation(people):
    conversation = unique_id("d")
    event = events.new_event(
        "messaging.message_sent",
        tenant_id=people.id,
        subject_id=conversation,
        data={
            "conversationId": conversation,
            "conversationType": "direct",
            "visibility": "participants",
            "messageId": unique_id("m"),
            "senderId": people.admin.uid,
            "recipientIds": [people.member.uid],
            "mutedIds": [],
            "textPreview": "private words",
        },
    )
    events.publish([event])

    found = final_record(people.id, event, people.member.uid, Channel.IN_APP)
    assert found.entity_id is None
    assert conversation not in str(found.model_dump())


# ---- item 13: a per-address email budget, and the latest invitation link


def test_thirty_parallel_mentions_of_one_address_send_no_more_emails_than_its_budget(people):
    # Email only: thirty in-app notifications of one user at once contend on their badge, and
    # the emulator never redelivers an event whose dispatch gave up (production's Pub/Sub does).
    call(
        "notifications_update_tenant_settings",
        {"defaults": {"messaging.mention": {"inApp": False}}},
        people.admin,
    )
    sent = [mention_event(people.id, people.admin.uid, people.member.uid) for _ in range(30)]
    events.publish(sent)

    finals = [final_record(people.id, e, people.member.uid, Channel.EMAIL, 240) for e in sent]
    delivered = [r for r in finals if r.state is DeliveryState.SENT]
    assert len(delivered) == 5
    assert {r.reason for r in finals if r not in delivered} == {"budget"}
    assert len(mails(people.member.email)) == 5


def test_thirty_parallel_invitations_of_one_address_send_at_most_three_emails(people):
    email = f"{unique_id('invitee')}@example.test"

    def invite(_: int) -> str:
        answer = call("customer_invite_user", {"email": email, "roles": ["member"]}, people.admin)
        return str(answer["invitationToken"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(invite, range(30)))

    def settled() -> list[DeliveryRecord] | None:
        found = [
            r
            for r in repos.deliveries(people.id).stream_all()
            if r.recipient_email == email and r.channel is Channel.EMAIL
        ]
        final = (DeliveryState.SENT, DeliveryState.SKIPPED, DeliveryState.DEAD)
        return found if len(found) == 30 and all(r.state in final for r in found) else None

    finals = eventually(settled, timeout=240)
    assert sum(r.state is DeliveryState.SENT for r in finals) <= 3
    assert {r.reason for r in finals if r.state is not DeliveryState.SENT} <= {
        "superseded",
        "budget",
    }
    assert len(mails(email)) <= 3


def test_an_invitation_email_resent_after_a_reinvitation_is_skipped_as_superseded(people):
    email = f"{unique_id('invitee')}@example.test"
    first = call("customer_invite_user", {"email": email, "roles": ["member"]}, people.admin)
    wait_for_mail(email, timeout=60)
    call("customer_invite_user", {"email": email, "roles": ["member"]}, people.admin)
    wait_for_mail(email, count=2, timeout=60)
    [stale] = [
        r
        for r in repos.deliveries(people.id).stream_all()
        if r.recipient_email == email and first_token_in(r, first["invitationToken"])
    ]
    # As if its first sending had died (say the mail server was down) before the re-invitation.
    repos.deliveries(people.id).update(stale.id, {"state": DeliveryState.DEAD})

    call("notifications_resend", {"deliveryId": stale.id}, people.admin)

    def skipped() -> DeliveryRecord | None:
        found = repos.deliveries(people.id).get(stale.id)
        return found if found is not None and found.state is DeliveryState.SKIPPED else None

    assert eventually(skipped, timeout=60).reason == "superseded"
    assert len(mails(email)) == 2


def first_token_in(found: DeliveryRecord, token: str) -> bool:
    """Whether the record's stored request carries ``token`` (the first invitation's)."""
    stored = repos.requests(found.tenant_id).get(found.request_id)
    return stored is not None and token.split(".")[-1] in (stored.request.link_path or "")


# ---- items 12 and 15: who may hold a device token


def test_a_device_token_held_by_one_user_cannot_be_taken_over_by_another(people, other_tenant):
    token = unique_id("device")
    call("notifications_register_device_token", {"token": token, "platform": "ios"}, people.member)

    for thief in (people.manager, other_tenant.member):
        with pytest.raises(CallableError) as refused:
            call("notifications_register_device_token", {"token": token, "platform": "ios"}, thief)
        assert refused.value.status == "ALREADY_EXISTS" and "token" in refused.value.fields
        call("notifications_unregister_device_token", {"token": token}, thief)

    from notifications import devices

    assert devices.tokens_of(people.id, people.member.uid) == [token]
    assert devices.tokens_of(people.id, people.manager.uid) == []
    assert devices.tokens_of(other_tenant.id, other_tenant.member.uid) == []


def test_a_token_its_holder_unregistered_may_be_registered_by_the_next_user(people):
    token = unique_id("device")
    call("notifications_register_device_token", {"token": token, "platform": "web"}, people.member)
    call("notifications_register_device_token", {"token": token, "platform": "web"}, people.member)
    call("notifications_unregister_device_token", {"token": token}, people.member)

    call("notifications_register_device_token", {"token": token, "platform": "web"}, people.manager)

    from notifications import devices

    assert devices.tokens_of(people.id, people.manager.uid) == [token]


def test_a_user_with_no_role_cannot_register_a_device_token(people):
    roleless = create_user(tenant_id=people.id, roles=[])
    with pytest.raises(CallableError) as refused:
        call(
            "notifications_register_device_token",
            {"token": unique_id("device"), "platform": "android"},
            roleless,
        )
    assert refused.value.status == "PERMISSION_DENIED"
    assert list(repos.device_tokens(people.id).stream_all()) == []
