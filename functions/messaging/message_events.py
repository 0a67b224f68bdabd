"""``messaging.message_sent`` and ``messaging.user_mentioned``, derived from a new message.

Published by the message-created trigger (out of the send's path: the send answers from its
commit alone); an edit that mentions someone new emits their ``user_mentioned`` from its unit
of work (:func:`mention_events`). Event ids derive from the message id, so a re-delivered
trigger publishes the same ids, which consumers ignore. Payloads are documented in the
service README.
"""

from __future__ import annotations

from messaging.models.config import MessagingConfig
from messaging.models.conversations import Conversation, Message, MessageKind
from shared.events import DomainEvent, new_event

SENT = "messaging.message_sent"
MENTIONED = "messaging.user_mentioned"
PREVIEW = 200


def events_for_message(
    message: Message, conversation: Conversation, config: MessagingConfig
) -> list[DomainEvent]:
    """The events of one new user message (system messages announce nothing)."""
    if message.kind is not MessageKind.USER or message.sender_id is None:
        return []
    muted = set(conversation.muted_ids)
    others = [uid for uid in conversation.participant_ids if uid != message.sender_id]
    sent = new_event(
        SENT,
        tenant_id=message.tenant_id,
        subject_id=conversation.id,
        event_id=f"{message.id}-sent",
        data={
            **_common(message, conversation),
            "recipientIds": [uid for uid in others if uid not in muted],
            "mutedIds": [uid for uid in others if uid in muted],
            "mentionedIds": list(message.mentions),
        },
    )
    return [sent, *mention_events(message, conversation, config, message.mentions)]


def mention_events(
    message: Message, conversation: Conversation, config: MessagingConfig, mentioned: list[str]
) -> list[DomainEvent]:
    """``messaging.user_mentioned`` for each of ``mentioned`` who is to hear of it (a
    participant, not the sender, not muted, and the type's mentions notify). The id is
    ``{messageId}-mention-{uid}`` whether the mention came with the send or a later edit, so
    a user hears of one message's mention once."""
    kind = config.types.get(conversation.type)
    if message.kind is not MessageKind.USER or kind is None or not kind.mentions_notify:
        return []
    muted = set(conversation.muted_ids)
    common = _common(message, conversation)
    return [
        new_event(
            MENTIONED,
            tenant_id=message.tenant_id,
            subject_id=conversation.id,
            event_id=f"{message.id}-mention-{uid}",
            data={**common, "mentionedUserId": uid},
        )
        for uid in mentioned
        if uid != message.sender_id and uid not in muted and uid in conversation.participant_ids
    ]


def _common(message: Message, conversation: Conversation) -> dict[str, object]:
    sender = conversation.participants.get(message.sender_id or "")
    return {
        "conversationId": conversation.id,
        "conversationType": conversation.type,
        "direct": conversation.direct,
        "visibility": "participants",  # who may read it: a tenant-wide channel may not
        "messageId": message.id,
        "senderId": message.sender_id,
        "senderName": sender.display_name if sender else "",
        "textPreview": message.text[:PREVIEW],
        "attachmentCount": len(message.attachments),
        "sentAt": message.sent_at.isoformat(),
    }
