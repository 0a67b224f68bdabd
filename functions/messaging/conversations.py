"""Conversations: create (direct with a deterministic id, or group), close, clear history,
mute, and the checks every command shares (who is a participant, who manages, from where a
participant reads). Membership changes are :mod:`messaging.membership`'s.

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
        history=kind.history,
        key=key,
        name=name,
        created_by=ctx.uid,
        participant_ids=participant_ids,
        participants={uid: new_participant(members[uid], 0) for uid in participant_ids},
        unread_counts=dict.fromkeys(participant_ids, 0),
        read_positions=dict.fromkeys(participant_ids, 0),
    )
    conversations.create(conversation)
    uow.emit(conversation_event(CREATED, conversation, {"createdBy": ctx.uid}))
    return conversation, True


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
    a participant, or a tenant admin of its tenant, in it or not for a group (managing is not
    reading: the rules still show such an admin none of it, and they may not add themself).
    A direct conversation is managed by its two people only: its id derives from them, so an
    admin outside could otherwise learn who talks to whom by closing a computed id. Someone
    else in it is refused ``messaging/not-manager``; anyone else is refused as a
    non-participant (no probing)."""
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
        and not (managing and not conversation.direct and _tenant_manager(ctx, conversation))
    ):
        raise PermissionDenied(
            "You are not a participant of this conversation", type="messaging/not-participant"
        )
    return conversation


def _tenant_manager(ctx: AuthContext, conversation: Conversation) -> bool:
    """A holder of ``messaging.conversations.manage`` in the conversation's own tenant."""
    return ctx.can(MANAGE) and ctx.tenant_id == conversation.tenant_id


def visible_from(conversation: Conversation, uid: str) -> int:
    """The ``seq`` after which ``uid`` (a current participant) reads messages: their joining
    (``joinedSeq``), or 0 where the conversation's type declares ``history: all``. The rules
    enforce the same bound on clients; commands refuse an older message as not one of the
    conversation's (a participant with no info reads from now on)."""
    if conversation.history == "all":
        return 0
    participant = conversation.participants.get(uid)
    return conversation.seq if participant is None else participant.joined_seq


def require_visible(message_seq: int, conversation: Conversation, uid: str) -> None:
    """``invalid-argument`` on ``messageId``, as for a message of another conversation, when
    ``uid`` does not read the message at ``message_seq`` (sent before they joined)."""
    if message_seq <= visible_from(conversation, uid):
        raise invalid("messageId", "not a message of this conversation")


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


def new_participant(member: Participant, joined_seq: int) -> Participant:
    """A participant joining now, when the conversation's ``seq`` is ``joined_seq``."""
    return Participant(
        display_name=member.display_name, photo_url=member.photo_url, joined_seq=joined_seq
    )
