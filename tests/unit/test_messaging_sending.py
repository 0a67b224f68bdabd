"""Sending, reading and the content checks: the messaging service's rules on the in-memory unit of
work (no emulator)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from messaging import blocking, content, conversations, reading
from messaging import repositories as repos
from messaging.models.config import MessagingConfig, messaging_config
from messaging.models.requests import AttachmentReceipt
from shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied, ResourceExhausted
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.messaging_fakes import (
    FakeFiles,
    T,
    config,
    create,
    ctx,
    remove,
    send,
    stored,
    total,
)


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


def test_a_retry_after_the_conversation_closed_or_the_sender_left_answers_the_first_message():
    uow = FakeUnitOfWork()
    pair, _ = create(uow, "ann", ["bob"])
    trio, _ = create(uow, "ann", ["bob", "cat"])
    first = send(uow, "bob", pair.id, client_message_id="c1")
    uow.run(lambda u: conversations.close_conversation(u, ctx("ann"), T, pair.id))
    again = send(uow, "bob", pair.id, client_message_id="c1")
    assert again.duplicate and again.message.id == first.message.id
    with pytest.raises(FailedPrecondition):  # another sender's same key is a new message
        send(uow, "ann", pair.id, client_message_id="c1")

    left = send(uow, "cat", trio.id, client_message_id="c2")
    remove(uow, ctx("cat"), trio.id, "cat")
    again = send(uow, "cat", trio.id, client_message_id="c2")
    assert again.duplicate and again.message.id == left.message.id
    # one message per conversation, and the announcement that cat left
    assert stored(uow, trio.id).seq == 2 and total(uow, "ann") == 3
    with pytest.raises(PermissionDenied):
        send(uow, "cat", trio.id, client_message_id="c3")


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
    bad = [*good, AttachmentReceipt(id="f2", token="nope")]
    with pytest.raises(InvalidArgument) as refused:
        send(uow, "ann", conversation.id, receipts=bad, files=files, new_id="m2")
    assert refused.value.fields[0]["field"] == "attachments.1"


def test_the_same_file_attached_twice_is_refused_naming_attachments_before_any_hold():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    files = FakeFiles({"f1": "tok", "f2": "two"})
    receipts = [AttachmentReceipt(id=i, token=t) for i, t in (("f1", "tok"), ("f2", "two"))]
    with pytest.raises(InvalidArgument) as refused:
        send(uow, "ann", conversation.id, receipts=[*receipts, receipts[0]], files=files)
    assert refused.value.fields[0]["field"] == "attachments"
    assert files.held == [] and stored(uow, conversation.id).seq == 0
    sent = send(uow, "ann", conversation.id, receipts=receipts, files=files, new_id="m1")
    assert [a.file_id for a in sent.message.attachments] == ["f1", "f2"]


@pytest.mark.parametrize("text", ["\u200b", "\u200d\u2060\ufeff", "\u3164", "\u2800", "\u0301"])
def test_a_text_that_shows_nothing_is_refused_naming_text(text):
    with pytest.raises(InvalidArgument) as refused:
        content.clean_text(text, max_length=100)
    assert refused.value.fields[0]["field"] == "text"


@pytest.mark.parametrize("text", ["a\u200b", "👍", "\u0e44\u0e17\u0e22", "e\u0301"])
def test_a_text_with_something_to_see_passes_whatever_else_it_holds(text):
    assert content.clean_text(text, max_length=100) == text


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


class SendsBeforeCommit(FakeUnitOfWork):
    """A unit during whose work, just as it stages its first write to an unread total,
    another unit (``meanwhile``) commits on the same store."""

    def __init__(self, store: Any, meanwhile: Callable[[], object]) -> None:
        super().__init__(store)
        self.meanwhile: list[Callable[[], object]] = [meanwhile]

    def stage(self, path: str, doc_id: str, doc: Any) -> None:
        if path == str(repos.unread_totals(T).path) and self.meanwhile:
            self.meanwhile.pop()()
        super().stage(path, doc_id, doc)


def test_a_recount_racing_a_send_runs_again_and_leaves_the_total_exact():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id)
    uow.run(lambda u: u.bind(repos.unread_totals(T)).increment("bob", {"unread_count": 5}))
    racing = SendsBeforeCommit(
        uow.store, lambda: send(FakeUnitOfWork(uow.store), "ann", conversation.id)
    )
    assert racing.run(lambda u: reading.recount(u, T, "bob")) == 2
    assert racing.attempts == 2  # the send committed after the total was read: run again
    assert total(uow, "bob") == stored(uow, conversation.id).unread_counts["bob"] == 2


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
