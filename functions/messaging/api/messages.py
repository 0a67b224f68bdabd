"""Callables of messages: send, mark read, edit, delete, react, flag."""

from __future__ import annotations

import uuid

from messaging import changes, content, messages, reading
from messaging.attachments import FilesAttachments
from messaging.models.config import messaging_config
from messaging.models.requests import (
    EditMessage,
    FlagMessage,
    MarkRead,
    MessageAnswer,
    MessageRef,
    OkAnswer,
    React,
    SendMessage,
    UnreadAnswer,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction

OWN = "messaging.conversations.own"


def _checked_text(tenant_id: str, conversation_id: str, sender_id: str, text: str) -> str:
    config = messaging_config()
    text = content.clean_text(text, max_length=config.max_text_length)
    if text:
        draft = content.Draft(tenant_id, conversation_id, sender_id, text)
        content.run_pre_send_checks(draft, config.denied_url_hosts)
    return text


@on_call()
@callable_endpoint(SendMessage, permission=OWN)
def messaging_send_message(ctx: AuthContext, req: SendMessage) -> MessageAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    text = _checked_text(tenant_id, req.conversation_id, ctx.uid, req.text)
    new_id = uuid.uuid4().hex[:20]
    sent = in_transaction(
        lambda uow: messages.send_message(
            uow,
            ctx,
            tenant_id,
            messaging_config(),
            conversation_id=req.conversation_id,
            text=text,
            client_message_id=req.client_message_id,
            receipts=req.attachments,
            attachments=FilesAttachments(),
            new_id=new_id,
        )
    )
    return MessageAnswer(message_id=sent.message.id, seq=sent.message.seq, duplicate=sent.duplicate)


@on_call()
@callable_endpoint(MarkRead, permission=OWN)
def messaging_mark_read(ctx: AuthContext, req: MarkRead) -> UnreadAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    conversation = in_transaction(
        lambda uow: reading.mark_read(uow, ctx, tenant_id, req.conversation_id, req.message_id)
    )
    return UnreadAnswer(
        unread_count=conversation.unread_counts.get(ctx.uid, 0),
        read_position=conversation.read_positions.get(ctx.uid, 0),
    )


@on_call()
@callable_endpoint(EditMessage, permission=OWN)
def messaging_edit_message(ctx: AuthContext, req: EditMessage) -> MessageAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    text = _checked_text(tenant_id, req.conversation_id, ctx.uid, req.text)
    edited = in_transaction(
        lambda uow: changes.edit_message(
            uow,
            ctx,
            tenant_id,
            messaging_config(),
            conversation_id=req.conversation_id,
            message_id=req.message_id,
            text=text,
            keep_attachment_ids=req.attachment_ids,
            attachments=FilesAttachments(),
        )
    )
    return MessageAnswer(message_id=edited.id, seq=edited.seq)


@on_call()
@callable_endpoint(MessageRef, permission=OWN)
def messaging_delete_message(ctx: AuthContext, req: MessageRef) -> MessageAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    deleted = in_transaction(
        lambda uow: changes.delete_message(
            uow,
            ctx,
            tenant_id,
            conversation_id=req.conversation_id,
            message_id=req.message_id,
            attachments=FilesAttachments(),
        )
    )
    return MessageAnswer(message_id=deleted.id, seq=deleted.seq)


@on_call()
@callable_endpoint(React, permission=OWN)
def messaging_react(ctx: AuthContext, req: React) -> dict[str, object]:
    tenant_id = ctx.tenant(req.tenant_id)
    emoji = content.check_emoji(req.emoji)
    reactions = in_transaction(
        lambda uow: changes.react(
            uow,
            ctx,
            tenant_id,
            conversation_id=req.conversation_id,
            message_id=req.message_id,
            emoji=emoji,
            add=req.action == "add",
        )
    )
    return {"reactions": reactions}


@on_call()
@callable_endpoint(FlagMessage, permission=OWN)
def messaging_flag_message(ctx: AuthContext, req: FlagMessage) -> OkAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    in_transaction(
        lambda uow: changes.flag_message(
            uow,
            ctx,
            tenant_id,
            conversation_id=req.conversation_id,
            message_id=req.message_id,
            reason=req.reason,
        )
    )
    return OkAnswer()
