"""Editing, deleting, reacting to and flagging messages: the messaging service's rules on the in-
memory unit of work (no emulator)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from messaging import changes, content, reading
from messaging import repositories as repos
from messaging.models.config import messaging_config
from messaging.models.conversations import Message
from messaging.models.requests import AttachmentReceipt
from shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.messaging_fakes import (
    FakeFiles,
    T,
    add,
    create,
    ctx,
    message,
    send,
    stored,
)


# -- changes ---------------------------------------------------------------------------------
def edit(uow: FakeUnitOfWork, caller: str, cid: str, mid: str, text: str, **kw: Any) -> Message:
    return uow.run(
        lambda u: changes.edit_message(
            u,
            ctx(caller),
            T,
            messaging_config(),
            conversation_id=cid,
            message_id=mid,
            text=text,
            keep_attachment_ids=kw.get("keep"),
            attachments=kw.get("files", FakeFiles()),
            now=kw.get("now"),
        )
    )


def test_an_edit_keeps_the_former_text_in_history_until_the_limit():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, text="v0", new_id="m1")
    for n in range(1, 11):
        edit(uow, "ann", conversation.id, "m1", f"v{n}")
    assert [e.text for e in message(uow, conversation.id, "m1").edits][:2] == ["v0", "v1"]
    with pytest.raises(FailedPrecondition, match="limit"):
        edit(uow, "ann", conversation.id, "m1", "v11")


def test_an_edit_announces_only_the_newly_mentioned_under_the_ids_a_mention_always_has():
    from messaging import conversations

    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat", "dan"])
    uow.run(lambda u: conversations.mute(u, ctx("dan"), T, conversation.id, True))
    send(uow, "ann", conversation.id, text="hi <@bob>", new_id="m1")
    edit(uow, "ann", conversation.id, "m1", "hi <@bob> <@cat> <@dan> <@ann> <@zed>")
    assert [(e.type, e.id) for e in uow.events] == [("messaging.user_mentioned", "m1-mention-cat")]
    assert uow.events[0].data["mentionedUserId"] == "cat"
    edit(uow, "ann", conversation.id, "m1", "hi <@cat> <@bob>, again")
    assert uow.events == []  # nobody new: a second edit announces nothing


def test_an_edit_after_the_window_or_by_another_user_is_refused():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, text="v0", new_id="m1")
    with pytest.raises(FailedPrecondition, match="window"):
        edit(uow, "ann", conversation.id, "m1", "late", now=datetime.now(UTC) + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        edit(uow, "bob", conversation.id, "m1", "mine now")


def test_an_edit_removes_attachments_but_never_adds_and_emptying_deletes():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    files = FakeFiles({"f1": "a", "f2": "b"})
    receipts = [AttachmentReceipt(id="f1", token="a"), AttachmentReceipt(id="f2", token="b")]
    send(uow, "ann", conversation.id, text="x", receipts=receipts, files=files, new_id="m1")
    with pytest.raises(InvalidArgument) as refused:
        edit(uow, "ann", conversation.id, "m1", "x", keep=["f1", "f3"], files=files)
    assert refused.value.fields[0]["field"] == "attachmentIds"
    edit(uow, "ann", conversation.id, "m1", "x", keep=["f1"], files=files)
    assert files.released == [("f2", f"messaging/{conversation.id}/m1")]
    edit(uow, "ann", conversation.id, "m1", "", keep=[], files=files)
    assert message(uow, conversation.id, "m1").deleted
    assert stored(uow, conversation.id).latest_message.deleted  # type: ignore[union-attr]


def test_deleting_twice_is_harmless_and_others_may_not_delete():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")

    def delete(caller: str) -> Message:
        return uow.run(
            lambda u: changes.delete_message(
                u, ctx(caller), T, conversation_id=conversation.id, message_id="m1",
                attachments=FakeFiles(),
            )
        )  # fmt: skip

    with pytest.raises(PermissionDenied):
        delete("bob")
    assert delete("ann").deleted and delete("ann").deleted


def test_reactions_add_and_remove_once_per_user_and_stop_at_100_distinct():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")

    def react(caller: str, emoji: str, add: bool = True) -> dict[str, list[str]]:
        return uow.run(
            lambda u: changes.react(
                u, ctx(caller), T, conversation_id=conversation.id, message_id="m1",
                emoji=emoji, add=add,
            )
        )  # fmt: skip

    react("ann", "👍")
    assert react("bob", "👍") == react("bob", "👍") == {"👍": ["ann", "bob"]}
    assert react("ann", "👍", add=False) == {"👍": ["bob"]}
    many = {chr(0x1F600 + i): ["ann"] for i in range(100)}
    uow.run(lambda u: u.bind(repos.messages(T, conversation.id)).update("m1", {"reactions": many}))
    with pytest.raises(FailedPrecondition):
        react("bob", "🎉")


def test_reacting_in_a_closed_conversation_is_refused_as_closed_and_changes_nothing():
    from messaging import conversations

    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")
    uow.run(lambda u: conversations.close_conversation(u, ctx("ann"), T, conversation.id))
    for adding in (True, False):
        with pytest.raises(FailedPrecondition) as refused:
            uow.run(
                partial(
                    changes.react, ctx=ctx("bob"), tenant_id=T, conversation_id=conversation.id,
                    message_id="m1", emoji="👍", add=adding,
                )
            )  # fmt: skip
        assert refused.value.type == "messaging/closed"
    assert message(uow, conversation.id, "m1").reactions == {}


@pytest.mark.parametrize("emoji", ["👍", "👍🏽", "👨‍👩‍👧", "🇩🇪", "1️⃣", "❤️"])
def test_single_emoji_are_accepted(emoji):
    assert content.check_emoji(emoji) == emoji


@pytest.mark.parametrize("emoji", ["a", "ok", "👍 ", "1", ":)", "👍a", "x" * 20, "👍👍", "🇩🇪🇫🇷"])
def test_anything_but_one_emoji_is_refused_naming_emoji(emoji):
    with pytest.raises(InvalidArgument) as refused:
        content.check_emoji(emoji)
    assert refused.value.fields[0]["field"] == "emoji"


def test_flagging_twice_keeps_one_flag_for_the_admins():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, text="rude", new_id="m1")
    for _ in range(2):
        uow.run(
            lambda u: changes.flag_message(
                u, ctx("bob"), T, conversation_id=conversation.id, message_id="m1", reason="r"
            )
        )
    flags = uow.store[str(repos.flags(T).path)]
    assert [f.text for f in flags.values()] == ["rude"]


def test_a_member_added_later_cannot_touch_a_message_sent_before_they_joined():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")
    add(uow, ctx("ann"), conversation.id, ["cat"])
    admin = ctx("cat", "tenant-admin")
    for command in (
        lambda u: changes.react(
            u, admin, T, conversation_id=conversation.id, message_id="m1", emoji="👍", add=True
        ),
        lambda u: changes.flag_message(
            u, admin, T, conversation_id=conversation.id, message_id="m1", reason=""
        ),
        lambda u: changes.delete_message(
            u, admin, T, conversation_id=conversation.id, message_id="m1", attachments=FakeFiles()
        ),
        lambda u: reading.mark_read(u, admin, T, conversation.id, "m1"),
    ):
        with pytest.raises(InvalidArgument) as refused:
            uow.run(command)
        assert refused.value.fields[0]["field"] == "messageId"
    assert not message(uow, conversation.id, "m1").deleted
    send(uow, "bob", conversation.id, new_id="m3")
    reactions = uow.run(
        lambda u: changes.react(
            u, admin, T, conversation_id=conversation.id, message_id="m3", emoji="👍", add=True
        )
    )
    assert reactions == {"👍": ["cat"]}


def test_a_tenant_admin_in_a_direct_conversation_cannot_delete_the_other_persons_messages():
    """A party to a private conversation is no moderator of it: deleting the other's words
    would let an admin erase what was said to them. In a group they moderate."""
    uow = FakeUnitOfWork()
    direct, _ = create(uow, "ann", ["bob"], "direct")
    send(uow, "bob", direct.id, new_id="m1")
    with pytest.raises(PermissionDenied) as refused:
        uow.run(
            lambda u: changes.delete_message(
                u, ctx("ann", "tenant-admin"), T, conversation_id=direct.id, message_id="m1",
                attachments=FakeFiles(),
            )
        )  # fmt: skip
    assert refused.value.type == "messaging/not-sender"
    assert not message(uow, direct.id, "m1").deleted
    group, _ = create(uow, "bob", ["ann", "cat"])
    send(uow, "bob", group.id, new_id="m2")
    deleted = uow.run(
        lambda u: changes.delete_message(
            u, ctx("ann", "tenant-admin"), T, conversation_id=group.id, message_id="m2",
            attachments=FakeFiles(),
        )
    )  # fmt: skip
    assert deleted.deleted
