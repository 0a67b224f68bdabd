"""The events a message announces and what background work does: the messaging service's rules on
the in-memory unit of work (no emulator)."""

from __future__ import annotations

from functools import partial

from messaging import conversations
from messaging.models.config import messaging_config
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.messaging_fakes import (
    T,
    create,
    ctx,
    send,
    stored,
)


# -- events and background -------------------------------------------------------------------
def test_a_message_announces_itself_to_unmuted_recipients_and_mentions_once_each():
    from messaging import message_events

    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat", "dan"])
    uow.run(lambda u: conversations.mute(u, ctx("dan"), T, conversation.id, True))
    sent = send(uow, "ann", conversation.id, text="<@bob> <@dan> <@ann>", new_id="m1")
    found = message_events.events_for_message(
        sent.message, stored(uow, conversation.id), messaging_config()
    )
    assert [(e.type, e.id) for e in found] == [
        ("messaging.message_sent", "m1-sent"),
        ("messaging.user_mentioned", "m1-mention-bob"),
    ]
    assert found[0].data["recipientIds"] == ["bob", "cat"]
    assert found[0].data["mutedIds"] == ["dan"]
    assert found[1].data["mentionedUserId"] == "bob"


def test_a_conversation_left_with_one_active_participant_closes_once():
    from messaging import background

    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    assert not uow.run(lambda u: background._deactivate_in(T, conversation.id, "bob", u))
    assert uow.run(lambda u: background._deactivate_in(T, conversation.id, "cat", u))
    assert [e.id for e in uow.events] == [f"{conversation.id}-closed"]
    assert not uow.run(lambda u: background._deactivate_in(T, conversation.id, "cat", u))
    assert stored(uow, conversation.id).closed_reason == "too-few-active"


def test_a_reactivated_user_is_active_again_once_and_a_closed_conversation_stays_closed():
    from messaging import background

    uow = FakeUnitOfWork()
    pair, _ = create(uow, "ann", ["bob"])
    trio, _ = create(uow, "ann", ["bob", "cat"])
    for cid in (pair.id, trio.id):
        uow.run(partial(background._deactivate_in, T, cid, "bob"))
    assert stored(uow, pair.id).status.value == "closed"

    for cid in (pair.id, trio.id):
        assert uow.run(partial(background._reactivate_in, T, cid, "bob"))
        assert not uow.run(partial(background._reactivate_in, T, cid, "bob"))
        assert stored(uow, cid).participants["bob"].active
    assert not uow.run(lambda u: background._reactivate_in(T, trio.id, "dan", u))
    assert stored(uow, pair.id).status.value == "closed" and uow.events == []
