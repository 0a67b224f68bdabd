"""Who is in a group: adding and removing members, each change announced in the conversation.

Membership is the one thing a manager changes without reading (a tenant admin manages any group
of their tenant, in it or not), so every change is visible to the people in it: a system
message in the same commit says who added, removed or left (``data``: ``change``, ``actorId``,
``userIds``). A manager outside the group may add others but never themself: joining would
make them a reader, which managing is not. A member reads from their joining on
(``participants.{uid}.joinedSeq``: the announcement of their addition is their first message),
unless the type declares ``history: all``; the rules and every command enforce it
(:func:`messaging.conversations.visible_from`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from messaging import repositories as repos
from messaging.conversations import (
    MemberInfo,
    check_new_participants,
    conversation_type,
    new_participant,
    require_manager,
    require_open,
    require_participant,
)
from messaging.messages import appended, system_message
from messaging.models.config import MessagingConfig
from messaging.models.conversations import Conversation, Participant
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from shared.unit_of_work import BoundRepository, UnitOfWork

SOMEONE = "Someone"


def add_participants(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    config: MessagingConfig,
    conversation_id: str,
    new_ids: Sequence[str],
    members: Mapping[str, MemberInfo],
    *,
    new_id: str,
) -> Conversation:
    """Add members to a group (its creator or a tenant admin) and announce it (message
    ``new_id``); they start with nothing unread and read from the announcement on. Adding
    only current participants changes and announces nothing. ``members``: the active members
    among the caller and ``new_ids``."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_manager(conversations, ctx, conversation_id)
    if ctx.uid not in conversation.participant_ids and ctx.uid in new_ids:
        raise PermissionDenied(
            "Managing a conversation does not make you one of its readers: ask a participant "
            "to add you",
            type="messaging/manager-not-participant",
        )
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
        participants[uid] = new_participant(members[uid], conversation.seq)
    changed = conversation.model_copy(
        update={
            "participant_ids": after,
            "participants": participants,
            "unread_counts": {**conversation.unread_counts, **dict.fromkeys(added, 0)},
            "read_positions": {
                **conversation.read_positions,
                **dict.fromkeys(added, conversation.seq),
            },
        }
    )
    names = _names(conversation, members)
    text = f"{names(ctx.uid)} added {', '.join(names(uid) for uid in added)}"
    return _announce(uow, conversations, changed, ctx.uid, ("added", added, text), new_id)


def remove_participant(
    uow: UnitOfWork,
    ctx: AuthContext,
    tenant_id: str,
    conversation_id: str,
    user_id: str,
    members: Mapping[str, MemberInfo],
    *,
    new_id: str,
) -> Conversation:
    """Remove one member of a group (its creator or a tenant admin; anyone may leave) and
    announce it to those who stay (message ``new_id``), in a closed conversation too. Their
    participant info stays (``leftAt``); their unread count leaves their total; they read
    nothing of it any more. Removing someone no longer there changes and announces nothing.
    ``members``: the caller's card, if they are an active member."""
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
    changed = conversation.model_copy(
        update={
            "participant_ids": [uid for uid in conversation.participant_ids if uid != user_id],
            "participants": participants,
            "unread_counts": {k: v for k, v in conversation.unread_counts.items() if k != user_id},
            "read_positions": {
                k: v for k, v in conversation.read_positions.items() if k != user_id
            },
            "muted_ids": [uid for uid in conversation.muted_ids if uid != user_id],
        }
    )
    if unread:
        uow.bind(repos.unread_totals(tenant_id)).increment(
            user_id, {"unread_count": -unread}, defaults={"user_id": user_id}
        )
    names = _names(conversation, members)
    if user_id == ctx.uid:
        change, text = "left", f"{names(user_id)} left"
    else:
        change, text = "removed", f"{names(ctx.uid)} removed {names(user_id)}"
    return _announce(uow, conversations, changed, ctx.uid, (change, [user_id], text), new_id)


def _announce(
    uow: UnitOfWork,
    conversations: BoundRepository[Conversation],
    changed: Conversation,
    actor: str,
    what: tuple[str, list[str], str],
    new_id: str,
) -> Conversation:
    """Stage the system message of a membership change (``what``: change, user ids, text)
    and the changed conversation (membership already applied) in one write. Unread for
    everyone in it but the actor and the members it adds, whose read positions move to it."""
    change, user_ids, text = what
    data = {"change": change, "actorId": actor, "userIds": user_ids}
    message = system_message(changed, text=text, data=data, new_id=new_id)
    uow.bind(repos.messages(changed.tenant_id, changed.id)).create(message)
    added = user_ids if change == "added" else []
    readers = [uid for uid in (actor, *added) if uid in changed.participant_ids]
    fields = {
        "participant_ids": changed.participant_ids,
        "participants": changed.participants,
        "muted_ids": changed.muted_ids,
        **appended(uow, changed.tenant_id, changed, message, readers=list(dict.fromkeys(readers))),
    }
    conversations.update(changed.id, fields)
    return changed.model_copy(update=fields)


def _names(conversation: Conversation, members: Mapping[str, MemberInfo]) -> Callable[[str], str]:
    """A user's name as the announcement shows it: their card, else the conversation's."""
    known = {uid: p.display_name for uid, p in conversation.participants.items()}
    known.update({uid: m.display_name for uid, m in members.items()})
    return lambda uid: known.get(uid) or SOMEONE


def _current(conversation: Conversation) -> dict[str, MemberInfo]:
    return {
        uid: MemberInfo.model_validate(
            conversation.participants.get(uid, Participant()).model_dump()
        )
        for uid in conversation.participant_ids
    }
