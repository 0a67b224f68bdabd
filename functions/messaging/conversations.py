"""Conversations: create (direct with a deterministic id, or group), membership, close, clear
history, mute.

Commands take a unit of work (``shared.unit_of_work``) and the tenant already resolved from
verified claims; who the participants are (active members of the tenant, with name and photo)
is looked up before the unit by the entry point and handed in as ``members``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from messaging import repositories as repos
from messaging.content import invalid
from messaging.models.config import ConversationType, MessagingConfig
from messaging.models.conversations import (
    Blocks,
    Conversation,
    ConversationStatus,
    Participant,
)
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, NotFound, PermissionDenied
from shared.events import DomainEvent, new_event
from shared.unit_of_work import BoundRepository, UnitOfWork

CREATED = "messaging.conversation_created"
CLOSED = "messaging.conversation_closed"
MANAGE = "messaging.conversations.manage"
DIRECT = "direct"


class MemberInfo(Participant):
    """An active member of the tenant as the entry point found them (``user.public``)."""


def direct_id(participant_ids: Sequence[str], key: str | None, type_name: str = DIRECT) -> str:
    """The id of the direct conversation of these people (and context key) of this type: the
    same whoever creates it, so creating it twice, from either side, finds the first one.
    A product's own direct type is part of the material (``direct`` is not, keeping the ids
    already stored), so two direct types between the same people are two conversations."""
    material = "\n".join(sorted(set(participant_ids))) + "\n" + (key or "")
    if type_name != DIRECT:
        material = f"{type_name}\n{material}"
    return "d-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def conversation_type(config: MessagingConfig, name: str) -> ConversationType:
    found = config.types.get(name)
    if found is None:
        raise invalid("type", f"unknown conversation type {name!r}")
    return found


def requested_participants(caller: str, others: Sequence[str]) -> list[str]:
    """The caller first, then the others in order, once each."""
    return list(dict.fromkeys([caller, *others]))


def check_new_participants(
    config: ConversationType, participant_ids: Sequence[str], members: Mapping[str, MemberInfo]
) -> None:
    """Every participant an active member of the tenant, within the type's maximum."""
    if len(participant_ids) > config.max_participants:
        raise invalid("participantIds", f"at most {config.max_participants} participants")
    unknown = [uid for uid in participant_ids if uid not in members]
    if unknown:
        raise invalid("participantIds", f"not active users of this tenant: {', '.join(unknown)}")


def create_conversation(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    config: MessagingConfig,
    *,
    type_name: str,
    others: Sequence[str],
    key: str | None,
    name: str | None,
    members: Mapping[str, MemberInfo],
) -> tuple[Conversation, bool]:
    """Create the conversation, or find the direct one that exists; (conversation, created)."""
    kind = conversation_type(config, type_name)
    if kind.creator_roles and not set(kind.creator_roles) & set(ctx.roles):
        raise PermissionDenied(
            f"Your roles may not create {type_name} conversations", type="messaging/not-allowed"
        )
    participant_ids = requested_participants(ctx.uid, others)
    if len(participant_ids) < 2:
        raise invalid("participantIds", "name at least one other participant")
    if kind.direct and len(participant_ids) != 2:
        raise invalid("participantIds", "a direct conversation has exactly one other participant")
    if key is not None and not kind.direct:
        raise invalid("key", "only direct conversations take a key")
    check_new_participants(kind, participant_ids, members)

    conversations = uow.bind(repos.conversations(tenant_id))
    if kind.direct:
        conversation_id = direct_id(participant_ids, key, type_name)
        existing = conversations.get(conversation_id)
        if existing is not None:
            return existing, False
        _refuse_blocked(uow.bind(repos.blocks(tenant_id)), participant_ids[0], participant_ids[1])
    else:
        conversation_id = uuid.uuid4().hex[:20]
    conversation = Conversation(
        id=conversation_id,
        tenant_id=tenant_id,
        type=type_name,
        direct=kind.direct,
        key=key,
        name=name,
        created_by=ctx.uid,
        participant_ids=participant_ids,
        participants={uid: _participant(members[uid], 0) for uid in participant_ids},
        unread_counts=dict.fromkeys(participant_ids, 0),
        read_positions=dict.fromkeys(participant_ids, 0),
    )
    conversations.create(conversation)
    uow.emit(conversation_event(CREATED, conversation, {"createdBy": ctx.uid}))
    return conversation, True


def add_participants(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    config: MessagingConfig,
    conversation_id: str,
    new_ids: Sequence[str],
    members: Mapping[str, MemberInfo],
) -> Conversation:
    """Add members to a group (its creator or a tenant admin); they start with nothing unread
    and read from their joining on. Adding a current participant is harmless."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_manager(conversations, ctx, conversation_id)
    kind = conversation_type(config, conversation.type)
    if kind.direct:
        raise FailedPrecondition(
            "A direct conversation has fixed membership", type="messaging/direct-fixed"
        )
    require_open(conversation)
    added = [uid for uid in dict.fromkeys(new_ids) if uid not in conversation.participant_ids]
    after = [*conversation.participant_ids, *added]
    check_new_participants(kind, after, {**members, **_current(conversation)})
    if not added:
        return conversation
    participants = dict(conversation.participants)
    for uid in added:
        participants[uid] = _participant(members[uid], conversation.seq)
    changes = {
        "participant_ids": after,
        "participants": participants,
        "unread_counts": {**conversation.unread_counts, **dict.fromkeys(added, 0)},
        "read_positions": {**conversation.read_positions, **dict.fromkeys(added, conversation.seq)},
    }
    conversations.update(conversation.id, changes)
    return conversation.model_copy(update=changes)


def remove_participant(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, conversation_id: str, user_id: str
) -> Conversation:
    """Remove one member of a group (its creator or a tenant admin; anyone may leave). Their
    participant info stays (``leftAt``); their unread count leaves their total. Removing
    someone no longer there is harmless."""
    conversations = uow.bind(repos.conversations(tenant_id))
    if user_id == ctx.uid:
        conversation = require_participant(conversations, ctx, conversation_id)
    else:
        conversation = require_manager(conversations, ctx, conversation_id)
    if conversation.direct:
        raise FailedPrecondition(
            "A direct conversation has fixed membership", type="messaging/direct-fixed"
        )
    if user_id not in conversation.participant_ids:
        return conversation
    unread = conversation.unread_counts.get(user_id, 0)
    participants = dict(conversation.participants)
    participants[user_id] = participants.get(user_id, Participant()).model_copy(
        update={"left_at": datetime.now(UTC)}
    )
    changes = {
        "participant_ids": [uid for uid in conversation.participant_ids if uid != user_id],
        "participants": participants,
        "unread_counts": {k: v for k, v in conversation.unread_counts.items() if k != user_id},
        "read_positions": {k: v for k, v in conversation.read_positions.items() if k != user_id},
        "muted_ids": [uid for uid in conversation.muted_ids if uid != user_id],
    }
    if unread:
        uow.bind(repos.unread_totals(tenant_id)).increment(
            user_id, {"unread_count": -unread}, defaults={"user_id": user_id}
        )
    conversations.update(conversation.id, changes)
    return conversation.model_copy(update=changes)


def close_conversation(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, conversation_id: str
) -> Conversation:
    """No new messages from now on (its creator, or a tenant admin); closing twice is a no-op."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_manager(conversations, ctx, conversation_id)
    return close(uow, conversations, conversation, reason="closed", by=ctx.uid)


def close(
    uow: UnitOfWork,
    conversations: BoundRepository[Conversation],
    conversation: Conversation,
    *,
    reason: str,
    by: str | None,
) -> Conversation:
    """Close ``conversation`` (read in this unit) unless it is closed; emits the event once."""
    if conversation.status is ConversationStatus.CLOSED:
        return conversation
    changes = {
        "status": ConversationStatus.CLOSED,
        "closed_at": datetime.now(UTC),
        "closed_reason": reason,
    }
    conversations.update(conversation.id, changes)
    closed = conversation.model_copy(update=changes)
    uow.emit(conversation_event(CLOSED, closed, {"reason": reason, "closedBy": by}))
    return closed


def clear_history(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, conversation_id: str
) -> Conversation:
    """Hide every message so far for the caller only (``clearedThrough[uid]``, which clients
    query from) and mark them read."""
    from messaging.reading import move_read_position

    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    changes = {"cleared_through": {**conversation.cleared_through, ctx.uid: conversation.seq}}
    conversation = conversation.model_copy(update=changes)
    conversation, _ = move_read_position(uow, tenant_id, conversation, ctx.uid, conversation.seq)
    conversations.update(conversation.id, {**changes, **_read_fields(conversation)})
    return conversation


def mute(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, conversation_id: str, muted: bool
) -> Conversation:
    """Mute (no notifications; still counted as unread) or unmute, for the caller."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    others = [uid for uid in conversation.muted_ids if uid != ctx.uid]
    muted_ids = [*others, ctx.uid] if muted else others
    if muted_ids != conversation.muted_ids:
        conversations.update(conversation.id, {"muted_ids": muted_ids})
    return conversation.model_copy(update={"muted_ids": muted_ids})


# -- shared checks ----------------------------------------------------------------------------
def require_participant(
    conversations: BoundRepository[Conversation], ctx: AuthContext, conversation_id: str
) -> Conversation:
    """The conversation, if the caller is one of its current participants; otherwise
    ``permission-denied`` (also for a conversation that does not exist: no probing)."""
    return _conversation_for(conversations, ctx, conversation_id, managing=False)


def require_manager(
    conversations: BoundRepository[Conversation], ctx: AuthContext, conversation_id: str
) -> Conversation:
    """The conversation, if the caller may manage it (membership, closing): its creator while
    a participant, or a tenant admin of its tenant, participant or not (managing is not
    reading: the rules still show such an admin none of it). Someone else in it is refused
    ``messaging/not-manager``; anyone else is refused as a non-participant (no probing)."""
    conversation = _conversation_for(conversations, ctx, conversation_id, managing=True)
    if ctx.uid != conversation.created_by and not _tenant_manager(ctx, conversation):
        raise PermissionDenied(
            "Only the conversation's creator or a tenant admin may do this",
            type="messaging/not-manager",
        )
    return conversation


def _conversation_for(
    conversations: BoundRepository[Conversation],
    ctx: AuthContext,
    conversation_id: str,
    *,
    managing: bool,
) -> Conversation:
    try:
        conversation = conversations.require(conversation_id)
    except NotFound:
        conversation = None
    if conversation is None or (
        ctx.uid not in conversation.participant_ids
        and not (managing and _tenant_manager(ctx, conversation))
    ):
        raise PermissionDenied(
            "You are not a participant of this conversation", type="messaging/not-participant"
        )
    return conversation


def _tenant_manager(ctx: AuthContext, conversation: Conversation) -> bool:
    """A holder of ``messaging.conversations.manage`` in the conversation's own tenant."""
    return ctx.can(MANAGE) and ctx.tenant_id == conversation.tenant_id


def require_open(conversation: Conversation) -> None:
    if conversation.status is ConversationStatus.CLOSED:
        raise FailedPrecondition("The conversation is closed", type="messaging/closed")


def conversation_event(
    type: str, conversation: Conversation, extra: dict[str, object]
) -> DomainEvent:
    """``messaging.conversation_*``: ids ``{conversationId}-created`` / ``-closed``, so a
    repeat emits the same event id, which consumers ignore."""
    verb = type.rsplit("_", 1)[-1]
    return new_event(
        type,
        tenant_id=conversation.tenant_id,
        subject_id=conversation.id,
        event_id=f"{conversation.id}-{verb}",
        data={
            "conversationId": conversation.id,
            "type": conversation.type,
            "participantIds": list(conversation.participant_ids),
            **extra,
        },
    )


def _read_fields(conversation: Conversation) -> dict[str, object]:
    return {
        "unread_counts": conversation.unread_counts,
        "read_positions": conversation.read_positions,
    }


def _refuse_blocked(blocks: BoundRepository[Blocks], first: str, second: str) -> None:
    found = blocks.get_many([first, second])
    if is_blocked(found, first, second):
        raise PermissionDenied("One of you has blocked the other", type="messaging/blocked")


def is_blocked(found: Mapping[str, Blocks], first: str, second: str) -> bool:
    """Whether either of the two blocked the other (``found``: their block lists by uid)."""
    return second in (found[first].blocked_ids if first in found else []) or first in (
        found[second].blocked_ids if second in found else []
    )


def _participant(member: Participant, joined_seq: int) -> Participant:
    return Participant(
        display_name=member.display_name, photo_url=member.photo_url, joined_seq=joined_seq
    )


def _current(conversation: Conversation) -> dict[str, MemberInfo]:
    return {
        uid: MemberInfo.model_validate(
            conversation.participants.get(uid, Participant()).model_dump()
        )
        for uid in conversation.participant_ids
    }
