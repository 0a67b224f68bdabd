"""Callables of conversations: create, membership, close, clear history, mute, block.

Thin: parse (``callable_endpoint``), look up who the participants are (``user.public``, before
the transaction), run the command in a unit of work, shape the answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from messaging import blocking, conversations, membership
from messaging.content import invalid
from messaging.conversations import MemberInfo
from messaging.models.config import messaging_config
from messaging.models.requests import (
    BlockUser,
    ConversationAnswer,
    ConversationRef,
    CreateConversation,
    Mute,
    OkAnswer,
    ParticipantsChange,
    RemoveParticipant,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction

OWN = "messaging.conversations.own"


def members(tenant_id: str, user_ids: Sequence[str]) -> dict[str, MemberInfo]:
    """The active members among ``user_ids``, with the name and photo a conversation shows."""
    from user.public import active_member_cards

    cards = active_member_cards(tenant_id, list(dict.fromkeys(user_ids)))
    return {
        uid: MemberInfo(display_name=card.display_name, photo_url=card.photo_url)
        for uid, card in cards.items()
    }


@on_call()
@callable_endpoint(CreateConversation, permission=OWN)
def messaging_create_conversation(ctx: AuthContext, req: CreateConversation) -> ConversationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    found = members(tenant_id, [ctx.uid, *req.participant_ids])
    conversation, created = in_transaction(
        lambda uow: conversations.create_conversation(
            uow,
            ctx,
            tenant_id,
            messaging_config(),
            type_name=req.type,
            others=req.participant_ids,
            key=req.key,
            name=req.name,
            members=found,
        )
    )
    return ConversationAnswer(conversation_id=conversation.id, created=created)


@on_call()
@callable_endpoint(ParticipantsChange, permission=OWN)
def messaging_add_participants(ctx: AuthContext, req: ParticipantsChange) -> ConversationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    found = members(tenant_id, [ctx.uid, *req.participant_ids])
    new_id = uuid.uuid4().hex[:20]
    conversation = in_transaction(
        lambda uow: membership.add_participants(
            uow,
            ctx,
            tenant_id,
            messaging_config(),
            req.conversation_id,
            req.participant_ids,
            found,
            new_id=new_id,
        )
    )
    return ConversationAnswer(conversation_id=conversation.id)


@on_call()
@callable_endpoint(RemoveParticipant, permission=OWN)
def messaging_remove_participant(ctx: AuthContext, req: RemoveParticipant) -> ConversationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    found = members(tenant_id, [ctx.uid])
    new_id = uuid.uuid4().hex[:20]
    conversation = in_transaction(
        lambda uow: membership.remove_participant(
            uow, ctx, tenant_id, req.conversation_id, req.participant_id, found, new_id=new_id
        )
    )
    return ConversationAnswer(conversation_id=conversation.id)


@on_call()
@callable_endpoint(ConversationRef, permission=OWN)
def messaging_close_conversation(ctx: AuthContext, req: ConversationRef) -> ConversationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    conversation = in_transaction(
        lambda uow: conversations.close_conversation(uow, ctx, tenant_id, req.conversation_id)
    )
    return ConversationAnswer(conversation_id=conversation.id)


@on_call()
@callable_endpoint(ConversationRef, permission=OWN)
def messaging_clear_history(ctx: AuthContext, req: ConversationRef) -> ConversationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    conversation = in_transaction(
        lambda uow: conversations.clear_history(uow, ctx, tenant_id, req.conversation_id)
    )
    return ConversationAnswer(conversation_id=conversation.id)


@on_call()
@callable_endpoint(Mute, permission=OWN)
def messaging_mute(ctx: AuthContext, req: Mute) -> OkAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    in_transaction(
        lambda uow: conversations.mute(uow, ctx, tenant_id, req.conversation_id, req.muted)
    )
    return OkAnswer()


@on_call()
@callable_endpoint(BlockUser, permission=OWN)
def messaging_block_user(ctx: AuthContext, req: BlockUser) -> OkAnswer:
    from user.public import is_active_member

    tenant_id = ctx.tenant(req.tenant_id)
    if req.user_id != ctx.uid and not is_active_member(tenant_id, req.user_id):
        raise invalid("userId", "not a user of this tenant")
    in_transaction(lambda uow: blocking.set_blocked(uow, ctx, tenant_id, req.user_id, True))
    return OkAnswer()


@on_call()
@callable_endpoint(BlockUser, permission=OWN)
def messaging_unblock_user(ctx: AuthContext, req: BlockUser) -> OkAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    in_transaction(lambda uow: blocking.set_blocked(uow, ctx, tenant_id, req.user_id, False))
    return OkAnswer()
