"""The messaging service's rules on the in-memory unit of work (no emulator)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from messaging import blocking, changes, content, conversations, messages, reading
from messaging import repositories as repos
from messaging.conversations import MemberInfo
from messaging.models.config import MessagingConfig, messaging_config
from messaging.models.conversations import Attachment, Conversation, Message
from messaging.models.requests import AttachmentReceipt
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied, ResourceExhausted
from shared.unit_of_work import UnitOfWork
from tests.support.fake_uow import FakeUnitOfWork

T = "t1"
MEMBERS = {uid: MemberInfo(display_name=uid.upper()) for uid in ("ann", "bob", "cat", "dan")}


def ctx(uid: str, *roles: str) -> AuthContext:
    return AuthContext(uid=uid, tenant_id=T, roles=roles or ("member",))


class FakeFiles:
    """Files the test says exist (id -> token); records holds and releases."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files = files or {}
        self.held: list[tuple[str, str]] = []
        self.released: list[tuple[str, str]] = []

    def hold(self, uow: UnitOfWork, tenant_id: str, file_id: str, token: str, holder: str) -> Any:
        from shared.errors import NotFound

        if self.files.get(file_id) != token:
            raise NotFound("no such file")
        self.held.append((file_id, holder))
        return Attachment(file_id=file_id, name=f"{file_id}.pdf", content_type="application/pdf")

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        self.released.append((file_id, holder))


def config(**changes: Any) -> MessagingConfig:
    return messaging_config().model_copy(update=changes)


def create(
    uow: FakeUnitOfWork, caller: str, others: list[str], type_name: str = "group", **kw: Any
):
    return uow.run(
        lambda u: conversations.create_conversation(
            u,
            ctx(caller),
            T,
            messaging_config(),
            type_name=type_name,
            others=others,
            key=kw.get("key"),
            name=kw.get("name"),
            members=kw.get("members", MEMBERS),
        )
    )


def send(uow: FakeUnitOfWork, caller: str, cid: str, text: str = "hi", **kw: Any):
    return uow.run(
        lambda u: messages.send_message(
            u,
            ctx(caller),
            T,
            kw.get("config", messaging_config()),
            conversation_id=cid,
            text=text,
            client_message_id=kw.get("client_message_id"),
            receipts=kw.get("receipts", []),
            attachments=kw.get("files", FakeFiles()),
            new_id=kw.get("new_id", uuid.uuid4().hex),
            now=kw.get("now"),
        )
    )


def stored(uow: FakeUnitOfWork, cid: str) -> Conversation:
    return uow.store[str(repos.conversations(T).path)][cid]


def total(uow: FakeUnitOfWork, uid: str) -> int:
    found = uow.store.get(str(repos.unread_totals(T).path), {}).get(uid)
    return found.unread_count if found else 0


def message(uow: FakeUnitOfWork, cid: str, mid: str) -> Message:
    return uow.store[str(repos.messages(T, cid).path)][mid]


# -- conversations ---------------------------------------------------------------------------
def test_a_direct_conversation_created_from_both_sides_is_one_conversation():
    uow = FakeUnitOfWork()
    first, created = create(uow, "ann", ["bob"], "direct")
    again, created_again = create(uow, "bob", ["ann"], "direct")
    assert (first.id, created, created_again) == (again.id, True, False)
    assert first.id == conversations.direct_id(["bob", "ann"], None)
    assert uow.events == []  # the second creation emitted nothing


def test_a_direct_conversation_with_another_key_is_another_conversation():
    uow = FakeUnitOfWork()
    plain, _ = create(uow, "ann", ["bob"], "direct")
    keyed, _ = create(uow, "ann", ["bob"], "direct", key="order-42")
    assert plain.id != keyed.id


def test_creating_a_conversation_emits_conversation_created_with_its_participants():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    [event] = uow.events
    assert (event.type, event.id) == (
        "messaging.conversation_created",
        f"{conversation.id}-created",
    )
    assert event.data["participantIds"] == ["ann", "bob", "cat"]


@pytest.mark.parametrize(
    ("others", "type_name"),
    [(["ann"], "direct"), (["bob", "cat"], "direct"), (["ann"], "group")],
    ids=["self-only-direct", "three-in-direct", "self-only-group"],
)
def test_a_conversation_without_the_right_number_of_others_is_refused(others, type_name):
    with pytest.raises(InvalidArgument) as refused:
        create(FakeUnitOfWork(), "ann", others, type_name)
    assert refused.value.fields[0]["field"] == "participantIds"


def test_an_unknown_or_inactive_participant_is_refused_naming_participant_ids():
    with pytest.raises(InvalidArgument) as refused:
        create(FakeUnitOfWork(), "ann", ["zed"])
    assert refused.value.fields[0]["field"] == "participantIds"


def test_an_unknown_type_is_refused_naming_type():
    with pytest.raises(InvalidArgument) as refused:
        create(FakeUnitOfWork(), "ann", ["bob"], "channel")
    assert refused.value.fields[0]["field"] == "type"


def test_a_group_over_its_types_maximum_is_refused():
    many = {f"u{i}": MemberInfo() for i in range(201)}
    with pytest.raises(InvalidArgument, match="at most 200"):
        create(FakeUnitOfWork(), "u0", list(many)[1:], members=many)


def test_a_user_who_blocked_or_was_blocked_cannot_start_a_direct_conversation():
    uow = FakeUnitOfWork()
    uow.run(lambda u: blocking.set_blocked(u, ctx("bob"), T, "ann", True))
    with pytest.raises(PermissionDenied):
        create(uow, "ann", ["bob"], "direct")
    with pytest.raises(PermissionDenied):
        create(uow, "bob", ["ann"], "direct")
    uow.run(lambda u: blocking.set_blocked(u, ctx("bob"), T, "ann", False))
    assert create(uow, "ann", ["bob"], "direct")[1] is True


# -- sending ---------------------------------------------------------------------------------
def test_a_send_counts_one_unread_for_every_other_participant_and_their_totals():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", conversation.id, new_id="m1")
    send(uow, "bob", conversation.id, new_id="m2")
    after = stored(uow, conversation.id)
    assert after.seq == 2
    assert after.unread_counts == {"ann": 1, "bob": 0, "cat": 2}
    assert (total(uow, "ann"), total(uow, "bob"), total(uow, "cat")) == (1, 0, 2)
    assert after.latest_message is not None and after.latest_message.id == "m2"


def test_a_retried_send_with_the_same_client_message_id_writes_nothing_twice():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    first = send(uow, "ann", conversation.id, client_message_id="c1", new_id="x1")
    again = send(uow, "ann", conversation.id, client_message_id="c1", new_id="x2")
    assert again.duplicate and again.message.id == first.message.id
    assert stored(uow, conversation.id).seq == 1 and total(uow, "bob") == 1


def test_a_message_without_text_or_attachments_is_refused_naming_text():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    with pytest.raises(InvalidArgument) as refused:
        send(uow, "ann", conversation.id, text="")
    assert refused.value.fields[0]["field"] == "text"


def test_a_non_participant_cannot_send_and_nothing_is_written():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    with pytest.raises(PermissionDenied):
        send(uow, "cat", conversation.id)
    with pytest.raises(PermissionDenied):
        send(uow, "cat", "no-such-conversation")
    assert stored(uow, conversation.id).seq == 0


def test_a_closed_conversation_refuses_new_messages():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    uow.run(lambda u: conversations.close_conversation(u, ctx("ann"), T, conversation.id))
    assert uow.events[0].type == "messaging.conversation_closed"
    with pytest.raises(FailedPrecondition):
        send(uow, "bob", conversation.id)


def test_sending_past_the_rate_is_resource_exhausted_and_writes_nothing():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    slow = config(send_rate=messaging_config().send_rate.model_copy(update={"limit": 2}))
    now = datetime.now(UTC)
    send(uow, "ann", conversation.id, config=slow, now=now, new_id="a")
    send(uow, "ann", conversation.id, config=slow, now=now, new_id="b")
    with pytest.raises(ResourceExhausted):
        send(uow, "ann", conversation.id, config=slow, now=now, new_id="c")
    assert stored(uow, conversation.id).seq == 2
    send(uow, "ann", conversation.id, config=slow, now=now + timedelta(minutes=2), new_id="d")


def test_a_blocked_user_cannot_send_into_the_direct_conversation():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"], "direct")
    uow.run(lambda u: blocking.set_blocked(u, ctx("bob"), T, "ann", True))
    with pytest.raises(PermissionDenied):
        send(uow, "ann", conversation.id)


def test_mentions_are_kept_only_for_participants():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    sent = send(uow, "ann", conversation.id, text="hi <@bob> and <@zed> <@bob>", new_id="m")
    assert sent.message.mentions == ["bob"]


def test_attachments_are_held_by_the_message_and_a_wrong_token_names_the_attachment():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    files = FakeFiles({"f1": "tok"})
    good = [AttachmentReceipt(id="f1", token="tok")]
    sent = send(uow, "ann", conversation.id, text="", receipts=good, files=files, new_id="m1")
    assert files.held == [("f1", f"messaging/{conversation.id}/m1")]
    assert sent.message.attachments[0].file_id == "f1"
    bad = [*good, AttachmentReceipt(id="f1", token="nope")]
    with pytest.raises(InvalidArgument) as refused:
        send(uow, "ann", conversation.id, receipts=bad, files=files, new_id="m2")
    assert refused.value.fields[0]["field"] == "attachments.1"


# -- reading ---------------------------------------------------------------------------------
def test_mark_read_moves_forward_only_and_keeps_totals_exact():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    for mid in ("m1", "m2", "m3"):
        send(uow, "ann", conversation.id, new_id=mid)
    later = uow.run(lambda u: reading.mark_read(u, ctx("bob"), T, conversation.id, "m2"))
    earlier = uow.run(lambda u: reading.mark_read(u, ctx("bob"), T, conversation.id, "m1"))
    assert later.unread_counts["bob"] == earlier.unread_counts["bob"] == 1
    assert stored(uow, conversation.id).read_positions["bob"] == 2 and total(uow, "bob") == 1
    uow.run(lambda u: reading.mark_read(u, ctx("bob"), T, conversation.id, "m3"))
    assert total(uow, "bob") == 0


def test_mark_read_of_a_message_of_another_conversation_names_message_id():
    uow = FakeUnitOfWork()
    one, _ = create(uow, "ann", ["bob"])
    two, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", two.id, new_id="elsewhere")
    with pytest.raises(InvalidArgument) as refused:
        uow.run(lambda u: reading.mark_read(u, ctx("bob"), T, one.id, "elsewhere"))
    assert refused.value.fields[0]["field"] == "messageId"


def test_clearing_history_hides_it_for_the_caller_only_and_marks_it_read():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", conversation.id, new_id="m1")
    uow.run(lambda u: conversations.clear_history(u, ctx("bob"), T, conversation.id))
    after = stored(uow, conversation.id)
    assert after.cleared_through == {"bob": 1}
    assert (total(uow, "bob"), total(uow, "cat")) == (0, 1)


# -- membership ------------------------------------------------------------------------------
def test_a_removed_member_keeps_their_info_and_their_unread_leaves_their_total():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", conversation.id, new_id="m1")
    uow.run(lambda u: conversations.remove_participant(u, ctx("ann"), T, conversation.id, "cat"))
    after = stored(uow, conversation.id)
    assert "cat" not in after.participant_ids and after.participants["cat"].left_at is not None
    assert total(uow, "cat") == 0
    with pytest.raises(PermissionDenied):
        send(uow, "cat", conversation.id)


def test_an_added_member_starts_with_nothing_unread():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")
    uow.run(
        lambda u: conversations.add_participants(
            u, ctx("ann"), T, messaging_config(), conversation.id, ["dan"], MEMBERS
        )
    )
    after = stored(uow, conversation.id)
    assert (after.unread_counts["dan"], after.read_positions["dan"]) == (0, 1)
    send(uow, "bob", conversation.id, new_id="m2")
    assert total(uow, "dan") == 1


def test_only_the_creator_or_an_admin_adds_members_and_nobody_changes_a_direct_one():
    uow = FakeUnitOfWork()
    group, _ = create(uow, "ann", ["bob"])
    with pytest.raises(PermissionDenied):
        uow.run(
            lambda u: conversations.add_participants(
                u, ctx("bob"), T, messaging_config(), group.id, ["dan"], MEMBERS
            )
        )
    direct, _ = create(uow, "ann", ["bob"], "direct")
    with pytest.raises(FailedPrecondition):
        uow.run(
            lambda u: conversations.add_participants(
                u, ctx("ann", "tenant-admin"), T, messaging_config(), direct.id, ["dan"], MEMBERS
            )
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


@pytest.mark.parametrize("emoji", ["👍", "👍🏽", "👨‍👩‍👧", "🇩🇪", "1️⃣", "❤️"])
def test_single_emoji_are_accepted(emoji):
    assert content.check_emoji(emoji) == emoji


@pytest.mark.parametrize("emoji", ["a", "ok", "👍 ", "1", ":)", "👍a", "x" * 20])
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


# -- content ---------------------------------------------------------------------------------
def test_the_url_deny_list_and_a_plugged_check_refuse_naming_text():
    draft = content.Draft(T, "c", "ann", "see https://www.evil.test/x")
    with pytest.raises(InvalidArgument) as refused:
        content.run_pre_send_checks(draft, ["evil.test"])
    assert refused.value.type == "messaging/content-refused"
    content.run_pre_send_checks(draft, ["good.test"])

    def no_shouting(d: content.Draft) -> str | None:
        return "no shouting" if d.text.isupper() else None

    content.register_pre_send_check(no_shouting)
    try:
        with pytest.raises(InvalidArgument, match="no shouting"):
            content.run_pre_send_checks(content.Draft(T, "c", "ann", "HEY"), [])
    finally:
        content._checks.remove(no_shouting)


def test_text_over_the_limit_or_with_control_characters_is_refused_naming_text():
    with pytest.raises(InvalidArgument):
        content.clean_text("x" * 11, max_length=10)
    with pytest.raises(InvalidArgument):
        content.clean_text("a\x00b", max_length=10)
    assert content.clean_text("  a\nb\t ", max_length=10) == "a\nb"


def test_the_declared_types_validate_and_a_direct_type_must_have_two():
    raw = messaging_config().model_dump(by_alias=True)
    raw["types"]["direct"]["maxParticipants"] = 3
    with pytest.raises(ValueError, match="exactly 2"):
        MessagingConfig.model_validate(raw)
    del raw["types"]["direct"]
    with pytest.raises(ValueError, match="direct"):
        MessagingConfig.model_validate(raw)


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
