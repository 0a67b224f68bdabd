"""Sending messages: one transaction per send.

In one commit: the message, the conversation's ``latestMessage``, ``seq`` and every other
participant's unread count, each recipient's ``unreadTotals/{uid}`` (a server-side increment:
exact however many sends race), the sender's send window, and the files' references. A
``clientMessageId`` makes the message id deterministic, so a retried send finds the first one
and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from messaging import repositories as repos
from messaging.attachments import AttachmentStore, holder
from messaging.content import invalid, mentions
from messaging.conversations import is_blocked, require_open, require_participant
from messaging.models.config import MessagingConfig
from messaging.models.conversations import (
    Attachment,
    Conversation,
    LatestMessage,
    Message,
    MessageKind,
    SendBudget,
)
from messaging.models.requests import AttachmentReceipt
from messaging.reading import move_read_position
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, NotFound, PermissionDenied, ResourceExhausted
from shared.unit_of_work import UnitOfWork

PREVIEW = 200


def message_id_for(sender_id: str, client_message_id: str | None) -> str | None:
    """The id of a message sent with ``client_message_id`` (None: a fresh random id)."""
    if client_message_id is None:
        return None
    return "c-" + hashlib.sha256(f"{sender_id}\n{client_message_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Sent:
    message: Message
    duplicate: bool


def send_message(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    config: MessagingConfig,
    *,
    conversation_id: str,
    text: str,
    client_message_id: str | None,
    receipts: Sequence[AttachmentReceipt],
    attachments: AttachmentStore,
    new_id: str,
    now: datetime | None = None,
) -> Sent:
    """Send ``text`` (already cleaned and checked) with ``receipts`` as the caller."""
    now = now or datetime.now(UTC)
    if not text and not receipts:
        raise invalid("text", "a message needs text or attachments")
    messages = uow.bind(repos.messages(tenant_id, conversation_id))
    message_id = message_id_for(ctx.uid, client_message_id) or new_id
    if client_message_id is not None:
        # A retry answers the first send even if the conversation closed or the sender left
        # since: that send succeeded. The id derives from the sender, so only theirs matches.
        first = messages.get(message_id)
        if first is not None and first.sender_id == ctx.uid:
            return Sent(first, duplicate=True)
    budgets = uow.bind(repos.send_budgets(tenant_id))
    budget = budgets.get(ctx.uid)
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    require_open(conversation)
    if conversation.direct:
        others = [uid for uid in conversation.participant_ids if uid != ctx.uid]
        found = uow.bind(repos.blocks(tenant_id)).get_many([ctx.uid, *others])
        if any(is_blocked(found, ctx.uid, other) for other in others):
            raise PermissionDenied("One of you has blocked the other", type="messaging/blocked")
    window = _take_budget(budget, ctx.uid, config, now)
    held = _hold(uow, tenant_id, attachments, receipts, holder(conversation_id, message_id))

    message = Message(
        id=message_id,
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        seq=conversation.seq + 1,
        sender_id=ctx.uid,
        text=text,
        attachments=held,
        mentions=mentions(text, conversation.participant_ids),
        client_message_id=client_message_id,
        sent_at=now,
    )
    budgets.set(window)
    messages.create(message)
    conversations.update(conversation.id, appended(uow, tenant_id, conversation, message))
    return Sent(message, duplicate=False)


def post_system_message(
    uow: UnitOfWork,
    tenant_id: str,
    conversation_id: str,
    *,
    text: str,
    data: dict[str, Any],
    new_id: str,
    now: datetime | None = None,
) -> Message:
    """A message from the system (no sender; unread for every participant)."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = conversations.require(conversation_id)
    require_open(conversation)
    message = system_message(conversation, text=text, data=data, new_id=new_id, now=now)
    uow.bind(repos.messages(tenant_id, conversation_id)).create(message)
    conversations.update(conversation.id, appended(uow, tenant_id, conversation, message))
    return message


def system_message(
    conversation: Conversation,
    *,
    text: str,
    data: dict[str, Any],
    new_id: str,
    now: datetime | None = None,
) -> Message:
    """The next message of ``conversation`` (as read in the unit), from the system."""
    return Message(
        id=new_id,
        tenant_id=conversation.tenant_id,
        conversation_id=conversation.id,
        seq=conversation.seq + 1,
        kind=MessageKind.SYSTEM,
        text=text,
        data=data,
        sent_at=now or datetime.now(UTC),
    )


def appended(
    uow: UnitOfWork,
    tenant_id: str,
    conversation: Conversation,
    message: Message,
    *,
    readers: Sequence[str] = (),
) -> dict[str, Any]:
    """The conversation's side of a new message, to write in one update with whatever else
    the unit changes on it (a document is written once per commit): ``seq``,
    ``latestMessage``, one more unread for every current participant but the sender and
    ``readers`` (whose read positions move to the message: a member added by this very
    message starts with nothing unread), and the same increments on each recipient's total."""
    skip = {message.sender_id, *readers}
    recipients = [uid for uid in conversation.participant_ids if uid not in skip]
    counts = dict(conversation.unread_counts)
    totals = uow.bind(repos.unread_totals(tenant_id))
    for uid in recipients:
        counts[uid] = counts.get(uid, 0) + 1
        totals.increment(uid, {"unread_count": 1}, defaults={"user_id": uid})
    updated = conversation.model_copy(update={"seq": message.seq, "unread_counts": counts})
    sender = [message.sender_id] if message.sender_id is not None else []
    for uid in (*sender, *readers):
        updated, _ = move_read_position(uow, tenant_id, updated, uid, message.seq)
    return {
        "seq": message.seq,
        "latest_message": latest_of(message),
        "unread_counts": updated.unread_counts,
        "read_positions": updated.read_positions,
    }


def latest_of(message: Message) -> LatestMessage:
    return LatestMessage(
        id=message.id,
        seq=message.seq,
        sender_id=message.sender_id,
        kind=message.kind,
        text=message.text[:PREVIEW],
        sent_at=message.sent_at,
        deleted=message.deleted,
    )


def _take_budget(
    budget: SendBudget | None, uid: str, config: MessagingConfig, now: datetime
) -> SendBudget:
    """The sender's window with this send counted, or ``resource-exhausted`` past the rate."""
    rate = config.send_rate
    window = timedelta(seconds=rate.window_seconds)
    if budget is None or now - budget.window_start >= window:
        return SendBudget(id=uid, window_start=now, count=1)
    if budget.count >= rate.limit:
        retry = max(int((budget.window_start + window - now).total_seconds()), 1)
        raise ResourceExhausted(
            "You are sending too fast; try again shortly",
            type="messaging/rate-limited",
            retryAfterSeconds=retry,
        )
    return budget.model_copy(update={"count": budget.count + 1})


def _hold(
    uow: UnitOfWork,
    tenant_id: str,
    store: AttachmentStore,
    receipts: Sequence[AttachmentReceipt],
    name: str,
) -> list[Attachment]:
    """The files held by the message: one read of every receipt, then the references (a
    file twice is refused naming ``attachments``; a refused file names its index)."""
    ids = [receipt.id for receipt in receipts]
    if len(set(ids)) != len(ids):
        raise invalid("attachments", "the same file is attached twice")
    if not receipts:
        return []
    try:
        return store.hold(uow, tenant_id, [(r.id, r.token) for r in receipts], name)
    except (NotFound, FailedPrecondition) as error:
        file_id = error.extra.get("fileId")
        index = ids.index(file_id) if file_id in ids else 0
        reason = "no such file (or a wrong token)" if isinstance(error, NotFound) else error.message
        raise invalid(f"attachments.{index}", reason) from error
