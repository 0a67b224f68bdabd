"""Work that follows other services' events and the clock.

- Participant info (name, photo) follows ``user.updated``: every conversation the user is in
  gets the profile's current values, a page of 500 conversations per chunked batch (a user may
  sit in thousands). Idempotent by set semantics: values are read at handling time, not taken
  from the event, so a re-delivery or an out-of-order delivery writes the same.
- ``user.disabled``: the user turns inactive in each of their conversations, and one with fewer
  than two active participants closes, in one transaction per conversation (state checked, so
  a re-delivery changes nothing and emits the same closing event id).
- ``user.reactivated``: the user turns active again in each of their conversations (one
  transaction each, written only when inactive); closed conversations stay closed.
- Retention: per type, messages older than ``retentionDays`` are deleted in pages, releasing
  their files' references; re-running finds nothing more to delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

from messaging import repositories as repos
from messaging.attachments import holder
from messaging.conversations import close
from messaging.models.config import messaging_config
from messaging.models.conversations import Conversation, Message, Participant
from shared.repository import where
from shared.unit_of_work import BoundRepository, UnitOfWork, in_transaction

PAGE = 500
INFO_FIELDS = {"displayName", "photoUrl"}


def _conversation_ids_of(tenant_id: str, user_id: str) -> Iterator[list[str]]:
    """The ids of the user's current conversations, a page at a time (ids only)."""
    repo = repos.conversation_keys(tenant_id)
    cursor: str | None = None
    while True:
        page = repo.query(
            where("participant_ids", "array-contains", user_id),
            limit=PAGE,
            cursor=cursor,
            fields=["participant_ids"],
        )
        if page.items:
            yield [c.id for c in page.items]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def refresh_participant_info(tenant_id: str, user_id: str) -> int:
    """Copy the user's current name and photo onto each of their conversations; how many."""
    from user.public import active_member_cards

    card = active_member_cards(tenant_id, [user_id]).get(user_id)
    if card is None:
        return 0
    prefix = f"participants.`{user_id}`"
    fields = {f"{prefix}.displayName": card.display_name, f"{prefix}.photoUrl": card.photo_url}
    repo = repos.conversations(tenant_id)
    return sum(
        repo.update_many((cid, fields) for cid in ids)
        for ids in _conversation_ids_of(tenant_id, user_id)
    )


def deactivate_participant(tenant_id: str, user_id: str) -> int:
    """Mark the user inactive everywhere; close conversations left with fewer than two active
    participants. How many conversations closed."""
    return _in_each_conversation(tenant_id, user_id, _deactivate_in)


def _in_each_conversation(
    tenant_id: str, user_id: str, step: Callable[[str, str, str, UnitOfWork], bool]
) -> int:
    """Run ``step`` on each of the user's conversations, a transaction each; how many said
    True."""
    done = 0
    for ids in _conversation_ids_of(tenant_id, user_id):
        for conversation_id in ids:
            done += in_transaction(partial(step, tenant_id, conversation_id, user_id))
    return done


def _deactivate_in(tenant_id: str, conversation_id: str, user_id: str, uow: UnitOfWork) -> bool:
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = conversations.get(conversation_id)
    if conversation is None or user_id not in conversation.participant_ids:
        return False
    conversation = _mark_active(conversations, conversation, user_id, False)
    if len(conversation.active_ids()) >= 2:
        return False
    before = conversation.status
    closed = close(uow, conversations, conversation, reason="too-few-active", by=None)
    return closed.status is not before


def reactivate_participant(tenant_id: str, user_id: str) -> int:
    """Mark the user active again in each of their conversations; a closed one stays closed
    (reopening is not built). How many changed: a re-delivery finds them active, so none."""
    return _in_each_conversation(tenant_id, user_id, _reactivate_in)


def _reactivate_in(tenant_id: str, conversation_id: str, user_id: str, uow: UnitOfWork) -> bool:
    conversations = uow.bind(repos.conversations(tenant_id))
    conversation = conversations.get(conversation_id)
    if conversation is None or user_id not in conversation.participant_ids:
        return False
    return _mark_active(conversations, conversation, user_id, True) is not conversation


def _mark_active(
    conversations: BoundRepository[Conversation],
    conversation: Conversation,
    user_id: str,
    active: bool,
) -> Conversation:
    """``conversation`` with the participant's ``active`` set, written only if it changes
    (the same object back when it does not)."""
    participant = conversation.participants.get(user_id, Participant())
    if participant.active is active:
        return conversation
    participants = {
        **conversation.participants,
        user_id: participant.model_copy(update={"active": active}),
    }
    conversations.update(conversation.id, {"participants": participants})
    return conversation.model_copy(update={"participants": participants})


def apply_retention(tenant_ids: Iterator[str], now: datetime | None = None) -> int:
    """Delete messages past their type's retention in every tenant; how many."""
    config = messaging_config()
    now = now or datetime.now(UTC)
    deleted = 0
    for tenant_id in tenant_ids:
        for type_name, kind in config.types.items():
            if kind.retention_days is None:
                continue
            cutoff = now - timedelta(days=kind.retention_days)
            for conversation in repos.conversations(tenant_id).stream_all(
                where("type", "==", type_name)
            ):
                deleted += _expire_messages(conversation, cutoff)
    return deleted


def _expire_messages(conversation: Conversation, cutoff: datetime) -> int:
    """Delete the conversation's messages sent before ``cutoff``, a page per transaction with
    their files' references released in the same commit."""
    from files.public import remove_reference

    repo = repos.messages(conversation.tenant_id, conversation.id)
    deleted = 0
    while True:
        page = repo.query(where("sent_at", "<", cutoff), limit=PAGE)
        if not page.items:
            return deleted

        def work(uow: UnitOfWork, items: list[Message] = page.items) -> None:
            bound = uow.bind(repo)
            for message in items:
                for attachment in message.attachments:
                    remove_reference(
                        conversation.tenant_id,
                        attachment.file_id,
                        holder(conversation.id, message.id),
                        uow=uow,
                    )
                bound.delete(message.id)

        in_transaction(work)
        deleted += len(page.items)
