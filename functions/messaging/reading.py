"""Read tracking: positions that only move forward, unread counts and per-user totals.

The invariant, kept by every command in the conversation's transaction:
``unreadCounts[uid] == seq - readPositions[uid]``; each change of a count moves the user's
``unreadTotals/{uid}`` by the same amount, with a server-side increment in the same commit, so
totals stay exact under any concurrency. :func:`recount_total` repairs a total from the
conversations should one ever drift (a bug, a hand edit).
"""

from __future__ import annotations

from messaging import repositories as repos
from messaging.conversations import require_participant, require_visible
from messaging.models.conversations import Conversation, UnreadTotal
from shared.auth_context import AuthContext
from shared.errors import InvalidArgument
from shared.repository import where
from shared.unit_of_work import UnitOfWork


def move_read_position(
    uow: UnitOfWork, tenant_id: str, conversation: Conversation, uid: str, position: int
) -> tuple[Conversation, bool]:
    """``conversation`` with ``uid`` read up to ``position`` if that is further than before
    (never backwards), and the total increment staged; the caller writes the conversation.
    (conversation, moved)."""
    current = conversation.read_positions.get(uid, 0)
    if position <= current:
        return conversation, False
    before = conversation.unread_counts.get(uid, 0)
    after = max(conversation.seq - position, 0)
    if after != before:
        uow.bind(repos.unread_totals(tenant_id)).increment(
            uid, {"unread_count": after - before}, defaults={"user_id": uid}
        )
    moved = conversation.model_copy(
        update={
            "read_positions": {**conversation.read_positions, uid: position},
            "unread_counts": {**conversation.unread_counts, uid: after},
        }
    )
    return moved, True


def mark_read(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, conversation_id: str, message_id: str
) -> Conversation:
    """Read up to ``message_id`` (a message of this conversation); an older one than the
    current position changes nothing, so racing calls end at the furthest."""
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = require_participant(conversations, ctx, conversation_id)
    message = uow.bind(repos.messages(tenant_id, conversation_id)).get(message_id)
    if message is None:
        raise InvalidArgument(
            "No such message in this conversation",
            fields=[{"field": "messageId", "message": "not a message of this conversation"}],
        )
    require_visible(message.seq, conversation, ctx.uid)
    conversation, moved = move_read_position(uow, tenant_id, conversation, ctx.uid, message.seq)
    if moved:
        conversations.update(
            conversation.id,
            {
                "read_positions": conversation.read_positions,
                "unread_counts": conversation.unread_counts,
            },
        )
    return conversation


def recount_total(tenant_id: str, user_id: str) -> int:
    """Set ``unreadTotals/{userId}`` to the sum of the user's counts over their conversations
    (:func:`recount`, in a transaction)."""
    from shared.unit_of_work import in_transaction

    return in_transaction(lambda uow: recount(uow, tenant_id, user_id))


def recount(uow: UnitOfWork, tenant_id: str, user_id: str) -> int:
    """The user's total, summed from their conversations, staged as a set.

    The total is read first, in the unit, and written only on the version read (its
    repository is optimistic): a send committing from then on increments the total, so this
    unit runs again, and one that committed before is in the conversations the query finds
    next. Reading the conversations alone would not do: they are optimistic documents, whose
    read-only reads nothing checks, so a send landing between the sum and the set would be
    overwritten."""
    totals = uow.bind(repos.unread_totals(tenant_id))
    totals.get(user_id)
    found = uow.bind(repos.conversations(tenant_id)).find(
        where("participant_ids", "array-contains", user_id)
    )
    total = sum(c.unread_counts.get(user_id, 0) for c in found)
    totals.set(UnreadTotal(id=user_id, user_id=user_id, unread_count=total))
    return total
