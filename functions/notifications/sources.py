"""What the notifications service sends out of the box: events of other services turned into
dispatch requests.

The events and their payloads (the envelope of ``shared.events``; ``data`` fields in camelCase):

- ``messaging.user_mentioned`` (``messaging-events``, one event per mentioned participant):
  ``conversationId``, ``messageId``, ``senderId``, ``senderName``, ``textPreview``,
  ``mentionedUserId`` -> ``messaging.mention`` (in-app and email) to that user (never the
  sender). A producer of its own may name several at once as ``mentionedUserIds``.
- ``messaging.message_sent``: the same fields, ``conversationType``, and ``recipientIds`` (the
  other participants who have not muted the conversation) -> ``messaging.direct_message`` for
  direct conversations (push and in-app; the email nudge follows when the in-app one is still
  unseen); for any other conversation -> ``messaging.digest`` (email: the conversation's
  messages of one window in one message, see ``digests.py``).

- ``customer.user_invited`` (``customer-events``): ``email``, ``token``, ``expiresInDays`` ->
  ``customer.invitation`` (email to the address, link ``/join?token=...`` on the tenant host).
- ``auth.password_reset_requested`` / ``auth.email_verification_requested`` (``auth-events``):
  ``email``, ``link``, ``displayName`` -> ``auth.password_reset`` / ``auth.email_verification``.

The messaging payloads are the ones ``functions/messaging/message_events.py`` builds (its
README documents them); ``tests/unit/test_notifications_sources.py`` feeds that builder's
events through here.

Each request's idempotency key is the event's type and id: a re-delivered event sends nothing
twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from notifications.models.deliveries import DispatchRequest, Recipient
from shared.events import DomainEvent

EXCERPT = 140


def _ids(data: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str) and v]
    return []


def _excerpt(data: dict[str, Any]) -> str:
    text = data.get("textPreview") or ""
    text = str(text)
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _sender_name(event: DomainEvent) -> str:
    name = event.data.get("senderName")
    if name:
        return str(name)
    sender = event.data.get("senderId")
    if not sender or event.tenant_id is None:
        return "Someone"
    from user import public as users

    found = users.notification_recipient(event.tenant_id, str(sender), "")
    return found.display_name if found and found.display_name else "Someone"


def _users(ids: Iterable[str], *, besides: Iterable[str] = ()) -> list[Recipient]:
    skip = set(besides)
    return [Recipient(user_id=i) for i in dict.fromkeys(ids) if i not in skip]


def _message_data(event: DomainEvent) -> dict[str, Any]:
    data = event.data
    return {
        "conversationId": data.get("conversationId"),
        "messageId": data.get("messageId") or event.subject_id,
        "senderId": data.get("senderId"),
        "senderName": _sender_name(event),
        "excerpt": _excerpt(data),
    }


def _shared_with_tenant(data: dict[str, Any]) -> bool:
    """Only a conversation the messaging service says the whole tenant may read (``visibility:
    tenant``) is shared with the tenant; a direct one never, and a missing field means private."""
    return data.get("visibility") == "tenant" and data.get("conversationType") != "direct"


def _conversation_path(data: dict[str, Any]) -> str:
    return f"/conversations/{quote(str(data.get('conversationId') or ''), safe='')}"


def mention(event: DomainEvent) -> DispatchRequest | None:
    data = event.data
    mentioned = _ids(data, "mentionedUserId", "mentionedUserIds")
    recipients = _users(mentioned, besides=_ids(data, "senderId"))
    if not recipients or event.tenant_id is None:
        return None
    return DispatchRequest(
        notification_id="messaging.mention",
        tenant_id=event.tenant_id,
        recipients=recipients,
        data=_message_data(event),
        idempotency_key=f"{event.type}:{event.id}",
        entity_id=data.get("messageId") or event.subject_id,
        link_path=_conversation_path(data),
        shared_with_tenant=_shared_with_tenant(data),
    )


def _message_to_recipients(event: DomainEvent, notification_id: str) -> DispatchRequest | None:
    """``notification_id`` about a sent message, to its recipients (never the sender, nor who
    muted the conversation), keyed by the conversation."""
    data = event.data
    if event.tenant_id is None or not data.get("conversationId"):
        return None
    sender = _ids(data, "senderId")
    recipients = _users(_ids(data, "recipientIds"), besides=[*sender, *_ids(data, "mutedIds")])
    if not recipients:
        return None
    return DispatchRequest(
        notification_id=notification_id,
        tenant_id=event.tenant_id,
        recipients=recipients,
        data=_message_data(event),
        idempotency_key=f"{event.type}:{event.id}",
        entity_id=data.get("conversationId"),
        link_path=_conversation_path(data),
        shared_with_tenant=_shared_with_tenant(data),
    )


def direct_message(event: DomainEvent) -> DispatchRequest | None:
    if event.data.get("conversationType") != "direct":
        return None
    return _message_to_recipients(event, "messaging.direct_message")


def conversation_digest(event: DomainEvent) -> DispatchRequest | None:
    """A message of a group (or any conversation but a direct one) goes into each recipient's
    ``messaging.digest`` for the conversation: one email per conversation and window."""
    return _message_to_recipients(event, "messaging.digest")


def message_sent(event: DomainEvent) -> DispatchRequest | None:
    if event.data.get("conversationType") == "direct":
        return direct_message(event)
    return conversation_digest(event)


def invitation(event: DomainEvent) -> DispatchRequest | None:
    data = event.data
    email, token = data.get("email"), data.get("token")
    if not email or not token or event.tenant_id is None:
        return None
    return DispatchRequest(
        notification_id="customer.invitation",
        tenant_id=event.tenant_id,
        recipients=[Recipient(email=str(email))],
        data={
            "expiresInDays": data.get("expiresInDays", 14),
            "roles": data.get("roles", []),
            "token": str(token),  # for the freshness check (a re-invitation supersedes it)
        },
        idempotency_key=f"{event.type}:{event.id}",
        entity_id=data.get("invitationId") or event.subject_id,
        link_path=f"/join?token={quote(str(token), safe='')}",
    )


AUTH_NOTIFICATIONS = {
    "auth.password_reset_requested": "auth.password_reset",
    "auth.email_verification_requested": "auth.email_verification",
}


def action_link(event: DomainEvent) -> DispatchRequest | None:
    data = event.data
    email, link = data.get("email"), data.get("link")
    if not email or not link or event.type not in AUTH_NOTIFICATIONS:
        return None
    return DispatchRequest(
        notification_id=AUTH_NOTIFICATIONS[event.type],
        tenant_id=event.tenant_id,
        recipients=[Recipient(email=str(email))],
        data={"displayName": data.get("displayName") or ""},
        idempotency_key=f"{event.type}:{event.id}",
        entity_id=event.subject_id,
        link=str(link),
    )


SOURCES = {
    "messaging.user_mentioned": mention,
    "messaging.message_sent": message_sent,
    "customer.user_invited": invitation,
    "auth.password_reset_requested": action_link,
    "auth.email_verification_requested": action_link,
}


def request_for(event: DomainEvent) -> DispatchRequest | None:
    source = SOURCES.get(event.type)
    return source(event) if source else None
