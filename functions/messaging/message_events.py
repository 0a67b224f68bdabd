"""``messaging.message_sent`` and ``messaging.user_mentioned``, derived from a new message.

Published by the message-created trigger (out of the send's path: the send answers from its
commit alone). Event ids derive from the message id, so a re-delivered trigger publishes the
same ids, which consumers ignore. Payloads are documented in the service README.
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
    sender = conversation.participants.get(message.sender_id)
    muted = set(conversation.muted_ids)
    others = [uid for uid in conversation.participant_ids if uid != message.sender_id]
    common = {
        "conversationId": conversation.id,
        "conversationType": conversation.type,
        "direct": conversation.direct,
        "messageId": message.id,
        "senderId": message.sender_id,
        "senderName": sender.display_name if sender else "",
        "textPreview": message.text[:PREVIEW],
        "attachmentCount": len(message.attachments),
        "sentAt": message.sent_at.isoformat(),
    }
    found = [
        new_event(
            SENT,
            tenant_id=message.tenant_id,
            subject_id=conversation.id,
            event_id=f"{message.id}-sent",
            data={
                **common,
                "recipientIds": [uid for uid in others if uid not in muted],
                "mutedIds": [uid for uid in others if uid in muted],
                "mentionedIds": list(message.mentions),
            },
        )
    ]
    kind = config.types.get(conversation.type)
    if kind is None or not kind.mentions_notify:
        return found
    for uid in message.mentions:
        if uid == message.sender_id or uid in muted or uid not in conversation.participant_ids:
            continue
        found.append(
            new_event(
                MENTIONED,
                tenant_id=message.tenant_id,
                subject_id=conversation.id,
                event_id=f"{message.id}-mention-{uid}",
                data={**common, "mentionedUserId": uid},
            )
        )
    return found
