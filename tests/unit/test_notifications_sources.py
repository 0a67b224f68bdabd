"""The contract between messaging and notifications: the events messaging builds for a new
message, fed through notifications' sources, become the requests each side documents."""

from __future__ import annotations

from datetime import UTC, datetime

from messaging.message_events import events_for_message
from messaging.models.config import messaging_config
from messaging.models.conversations import Conversation, Message, Participant
from notifications import sources

SENT_AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _conversation(kind: str, *, muted: list[str] | None = None) -> Conversation:
    people = ["ana", "bo", "cy"] if kind == "group" else ["ana", "bo"]
    return Conversation(
        id=f"{kind}-1",
        tenant_id="t1",
        type=kind,
        direct=kind == "direct",
        created_by="ana",
        participant_ids=people,
        participants={uid: Participant(display_name=uid.title()) for uid in people},
        muted_ids=muted or [],
    )


def _message(conversation: Conversation, text: str, mentions: list[str]) -> Message:
    return Message(
        id="m1",
        tenant_id="t1",
        conversation_id=conversation.id,
        seq=1,
        sender_id="ana",
        text=text,
        mentions=mentions,
        sent_at=SENT_AT,
    )


def _events(conversation: Conversation, message: Message) -> dict[str, list]:
    found: dict[str, list] = {}
    for event in events_for_message(message, conversation, messaging_config()):
        found.setdefault(event.type, []).append(event)
    return found


def test_a_mention_in_a_group_notifies_the_mentioned_user_with_the_sender_and_the_text():
    group = _conversation("group")
    events = _events(group, _message(group, "Hello <@bo>, see the plan", ["bo"]))

    requests = [sources.mention(e) for e in events["messaging.user_mentioned"]]

    assert len(requests) == 1 and requests[0] is not None
    request = requests[0]
    assert [r.user_id for r in request.recipients] == ["bo"]
    assert request.data["senderName"] == "Ana"
    assert request.data["excerpt"].startswith("Hello <@bo>, see the plan")
    assert request.link_path == "/conversations/group-1"


def test_a_direct_message_notifies_the_other_participant_at_once_and_a_group_message_by_digest():
    direct, group = _conversation("direct"), _conversation("group", muted=["cy"])
    to_direct = _events(direct, _message(direct, "Lunch?", []))["messaging.message_sent"]
    to_group = _events(group, _message(group, "Lunch?", []))["messaging.message_sent"]

    at_once = sources.request_for(to_direct[0])
    digested = sources.request_for(to_group[0])

    assert at_once is not None and at_once.notification_id == "messaging.direct_message"
    assert [r.user_id for r in at_once.recipients] == ["bo"]
    assert at_once.data["excerpt"] == "Lunch?"
    assert digested is not None and digested.notification_id == "messaging.digest"
    assert [r.user_id for r in digested.recipients] == ["bo"]  # not the sender, not who muted
    assert digested.data["conversationId"] == "group-1"  # the digest's key
    assert digested.idempotency_key == f"messaging.message_sent:{to_group[0].id}"


def test_a_direct_conversation_the_recipient_muted_notifies_nobody():
    direct = _conversation("direct", muted=["bo"])
    sent = _events(direct, _message(direct, "Lunch?", []))["messaging.message_sent"]

    assert sources.direct_message(sent[0]) is None
