"""Changing sent messages: edit (with history, window and limit), delete, react, flag.

Each runs in one transaction over the message (and the conversation where its preview or the
files change). Repeats are harmless: deleting a deleted message, adding a reaction one already
gave, or flagging twice (one flag per message and user) change nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from messaging import repositories as repos
from messaging.attachments import AttachmentStore, holder
from messaging.content import invalid, mentions
from messaging.conversations import MANAGE, require_open, require_participant, require_visible
from messaging.message_events import mention_events
from messaging.messages import latest_of
from messaging.models.config import MessagingConfig
from messaging.models.conversations import Conversation, Edit, Flag, Message, MessageKind
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from shared.unit_of_work import BoundRepository, UnitOfWork

MAX_REACTIONS = 100


def _message(
    uow: UnitOfWork, ctx: AuthContext, conversation: Conversation, message_id: str
) -> tuple[BoundRepository[Message], Message]:
    """The message, if it is one of the conversation's that the caller reads (not deleted,
    not sent before they joined); else ``invalid-argument`` on ``messageId``."""
    messages = uow.bind(repos.messages(conversation.tenant_id, conversation.id))
    message = messages.get(message_id)
    if message is None or message.deleted:
        raise invalid("messageId", "not a message of this conversation")
    require_visible(message.seq, conversation, ctx.uid)
    return messages, message


def edit_message(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    config: MessagingConfig,
    *,
    conversation_id: str,
    message_id: str,
    text: str,
    keep_attachment_ids: Sequence[str] | None,
    attachments: AttachmentStore,
    now: datetime | None = None,
) -> Message:
    """The sender changes their message within the type's window and edit limit; the former
    version goes to ``edits``. Attachments may be dropped, never added; an edit that leaves
    neither text nor attachments deletes the message. A participant the edit mentions who was
    not mentioned before hears of it (``messaging.user_mentioned``, the id a mention of this
    message always has, so at most once)."""
    now = now or datetime.now(UTC)
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    require_open(conversation)
    messages, message = _message(uow, ctx, conversation, message_id)
    if message.sender_id != ctx.uid:
        raise PermissionDenied("Only the sender may edit a message", type="messaging/not-sender")
    kind = config.types.get(conversation.type)
    window = timedelta(seconds=kind.edit_window_seconds if kind else 0)
    if now - message.sent_at > window:
        raise FailedPrecondition("The edit window has passed", type="messaging/edit-window")
    if message.edit_count >= (kind.edit_limit if kind else 0):
        raise FailedPrecondition("The edit limit is reached", type="messaging/edit-limit")
    current_ids = [a.file_id for a in message.attachments]
    keep = current_ids if keep_attachment_ids is None else list(dict.fromkeys(keep_attachment_ids))
    added = [file_id for file_id in keep if file_id not in current_ids]
    if added:
        raise invalid("attachmentIds", "attachments can be removed by an edit, never added")
    if not text and not keep:
        return _delete(uow, conversations, conversation, messages, message, attachments, now)
    for file_id in current_ids:
        if file_id not in keep:
            attachments.release(uow, tenant_id, file_id, holder(conversation_id, message_id))
    previous = Edit(text=message.text, attachment_ids=current_ids, edited_at=now)
    mentioned = mentions(text, conversation.participant_ids)
    changes = {
        "text": text,
        "attachments": [a for a in message.attachments if a.file_id in keep],
        "mentions": mentioned,
        "edit_count": message.edit_count + 1,
        "edits": [*message.edits, previous],
        "edited_at": now,
    }
    messages.update(message_id, changes)
    edited = message.model_copy(update=changes)
    _refresh_latest(conversations, conversation, edited)
    added = [uid for uid in mentioned if uid not in message.mentions]
    uow.emit(*mention_events(edited, conversation, config, added))
    return edited


def delete_message(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    *,
    conversation_id: str,
    message_id: str,
    attachments: AttachmentStore,
) -> Message:
    """The sender (or a tenant admin in a group, from their joining on) deletes a message: it
    stays as a tombstone (its place in the unread arithmetic), its text, history and files go.
    Twice is a no-op."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    messages = uow.bind(repos.messages(tenant_id, conversation_id))
    message = messages.get(message_id)
    if message is None:
        raise invalid("messageId", "not a message of this conversation")
    require_visible(message.seq, conversation, ctx.uid)
    if message.deleted:
        return message
    if message.sender_id != ctx.uid and (conversation.direct or not ctx.can(MANAGE)):
        # A tenant admin moderates groups; in a direct conversation they are a party, and
        # deleting the other's words would erase what was said to them.
        raise PermissionDenied("Only the sender may delete a message", type="messaging/not-sender")
    return _delete(uow, conversations, conversation, messages, message, attachments, None)


def _delete(
    uow: UnitOfWork,
    conversations: BoundRepository[Conversation],
    conversation: Conversation,
    messages: BoundRepository[Message],
    message: Message,
    attachments: AttachmentStore,
    now: datetime | None,
) -> Message:
    for attachment in message.attachments:
        attachments.release(
            uow, message.tenant_id, attachment.file_id, holder(conversation.id, message.id)
        )
    changes = {
        "deleted": True,
        "deleted_at": now or datetime.now(UTC),
        "text": "",
        "attachments": [],
        "edits": [],
        "mentions": [],
        "reactions": {},
    }
    messages.update(message.id, changes)
    deleted = message.model_copy(update=changes)
    _refresh_latest(conversations, conversation, deleted)
    return deleted


def _refresh_latest(
    conversations: BoundRepository[Conversation], conversation: Conversation, message: Message
) -> None:
    latest = conversation.latest_message
    if latest is not None and latest.id == message.id:
        conversations.update(conversation.id, {"latest_message": latest_of(message)})


def react(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    *,
    conversation_id: str,
    message_id: str,
    emoji: str,
    add: bool,
) -> dict[str, list[str]]:
    """Add or remove the caller's ``emoji`` (already validated) on a message, in the message's
    transaction; at most 100 distinct emoji per message, none in a closed conversation. The
    reactions as they now stand."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    require_open(conversation)
    messages, message = _message(uow, ctx, conversation, message_id)
    reactions = {k: list(v) for k, v in message.reactions.items()}
    users = reactions.get(emoji, [])
    if add and ctx.uid not in users:
        if emoji not in reactions and len(reactions) >= MAX_REACTIONS:
            raise FailedPrecondition(
                f"At most {MAX_REACTIONS} different reactions per message",
                type="messaging/too-many-reactions",
            )
        reactions[emoji] = [*users, ctx.uid]
    elif not add and ctx.uid in users:
        remaining = [uid for uid in users if uid != ctx.uid]
        if remaining:
            reactions[emoji] = remaining
        else:
            del reactions[emoji]
    else:
        return reactions
    messages.update(message_id, {"reactions": reactions})
    return reactions


def flag_message(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    *,
    conversation_id: str,
    message_id: str,
    reason: str,
) -> Flag:
    """Report a message to the tenant's admins (``messageFlags``, which they read); one flag
    per message and reporter, so flagging twice keeps the first."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    _, message = _message(uow, ctx, conversation, message_id)
    if message.kind is MessageKind.SYSTEM:
        raise invalid("messageId", "system messages cannot be flagged")
    flags = uow.bind(repos.flags(tenant_id))
    flag_id = f"{conversation_id}_{message_id}_{ctx.uid}"
    existing = flags.get(flag_id)
    if existing is not None:
        return existing
    flag = Flag(
        id=flag_id,
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        message_id=message_id,
        sender_id=message.sender_id,
        text=message.text,
        flagged_by=ctx.uid,
        reason=reason,
    )
    flags.create(flag)
    return flag
