"""Creating conversations and changing who is in them: the messaging service's rules on the in-
memory unit of work (no emulator)."""

from __future__ import annotations

import pytest

from messaging import blocking, conversations
from messaging.conversations import MemberInfo
from messaging.models.config import messaging_config
from shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.messaging_fakes import (
    T,
    add,
    config,
    create,
    ctx,
    message,
    remove,
    send,
    stored,
    total,
)


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


def test_a_products_own_direct_type_between_the_same_people_is_another_conversation():
    direct = messaging_config().types["direct"]
    with_consult = config(types={**messaging_config().types, "consult": direct})
    uow = FakeUnitOfWork()
    plain, _ = create(uow, "ann", ["bob"], "direct", config=with_consult)
    consult, created = create(uow, "ann", ["bob"], "consult", config=with_consult)
    again, created_again = create(uow, "bob", ["ann"], "consult", config=with_consult)
    assert plain.id != consult.id and (created, created_again) == (True, False)
    assert (again.id, again.type, stored(uow, plain.id).type) == (consult.id, "consult", "direct")


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


# -- membership ------------------------------------------------------------------------------
def test_a_removed_member_keeps_their_info_and_their_unread_leaves_their_total():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", conversation.id, new_id="m1")
    remove(uow, ctx("ann"), conversation.id, "cat")
    after = stored(uow, conversation.id)
    assert "cat" not in after.participant_ids and after.participants["cat"].left_at is not None
    assert total(uow, "cat") == 0
    with pytest.raises(PermissionDenied):
        send(uow, "cat", conversation.id)


def test_an_added_member_starts_with_nothing_unread_and_reads_from_the_announcement():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    send(uow, "ann", conversation.id, new_id="m1")
    add(uow, ctx("ann"), conversation.id, ["dan"], new_id="a1")
    after = stored(uow, conversation.id)
    assert (after.unread_counts["dan"], after.read_positions["dan"]) == (0, 2)
    assert after.participants["dan"].joined_seq == 1 == conversations.visible_from(after, "dan")
    assert message(uow, conversation.id, "a1").seq == 2  # dan's first message
    send(uow, "bob", conversation.id, new_id="m2")
    assert total(uow, "dan") == 1


def test_every_membership_change_is_announced_and_the_actor_has_read_it():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    add(uow, ctx("ann"), conversation.id, ["dan"], new_id="s1")
    remove(uow, ctx("ann"), conversation.id, "bob", new_id="s2")
    remove(uow, ctx("cat"), conversation.id, "cat", new_id="s3")
    remove(uow, ctx("zed", "tenant-admin"), conversation.id, "dan", new_id="s4")
    found = [message(uow, conversation.id, mid) for mid in ("s1", "s2", "s3", "s4")]
    assert [(m.seq, m.kind.value, m.sender_id) for m in found] == [
        (1, "system", None),
        (2, "system", None),
        (3, "system", None),
        (4, "system", None),
    ]
    assert [(m.data["change"], m.data["actorId"], m.data["userIds"]) for m in found] == [
        ("added", "ann", ["dan"]),
        ("removed", "ann", ["bob"]),
        ("left", "cat", ["cat"]),
        ("removed", "zed", ["dan"]),
    ]
    assert [m.text for m in found] == [
        "ANN added DAN",
        "ANN removed BOB",
        "CAT left",
        "Someone removed DAN",
    ]
    after = stored(uow, conversation.id)
    assert after.participant_ids == ["ann"]
    assert (after.read_positions["ann"], after.unread_counts["ann"], total(uow, "ann")) == (2, 2, 2)


def test_a_repeated_change_changes_and_announces_nothing():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"])
    add(uow, ctx("ann"), conversation.id, ["bob"])
    remove(uow, ctx("ann"), conversation.id, "cat")
    assert stored(uow, conversation.id).seq == 0


def test_a_manager_outside_a_group_may_add_others_but_never_themself():
    uow = FakeUnitOfWork()
    group, _ = create(uow, "ann", ["bob"])
    admin = ctx("dan", "tenant-admin")
    for ids in (["dan"], ["cat", "dan"]):
        with pytest.raises(PermissionDenied) as refused:
            add(uow, admin, group.id, ids)
        assert refused.value.type == "messaging/manager-not-participant"
    assert stored(uow, group.id).seq == 0 and "dan" not in stored(uow, group.id).participants
    add(uow, admin, group.id, ["cat"])
    assert stored(uow, group.id).participant_ids == ["ann", "bob", "cat"]


def test_a_re_added_member_reads_from_their_new_joining_only():
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob", "cat"])
    send(uow, "ann", conversation.id, new_id="m1")
    remove(uow, ctx("ann"), conversation.id, "cat")
    send(uow, "ann", conversation.id, new_id="m3")
    add(uow, ctx("ann"), conversation.id, ["cat"])
    after = stored(uow, conversation.id)
    assert after.participants["cat"].left_at is None
    assert conversations.visible_from(after, "cat") == 3
    all_history = after.model_copy(update={"history": "all"})
    assert conversations.visible_from(all_history, "cat") == 0


def test_a_type_declaring_history_all_is_copied_onto_its_conversations():
    types = messaging_config().types
    team = types["group"].model_copy(update={"history": "all"})
    with_team = config(types={**types, "team": team})
    uow = FakeUnitOfWork()
    conversation, _ = create(uow, "ann", ["bob"], "team", config=with_team)
    assert stored(uow, conversation.id).history == "all"
    plain, _ = create(uow, "ann", ["bob"])
    assert stored(uow, plain.id).history == "joined"


def test_a_history_declaration_other_than_joined_or_all_is_refused_at_load():
    from pydantic import ValidationError

    from messaging.models.config import ConversationType

    declared = messaging_config().types["group"].model_dump(by_alias=True)
    with pytest.raises(ValidationError):
        ConversationType.model_validate({**declared, "history": "everything"})


def test_only_the_creator_or_an_admin_adds_members_and_nobody_changes_a_direct_one():
    uow = FakeUnitOfWork()
    group, _ = create(uow, "ann", ["bob"])
    with pytest.raises(PermissionDenied):
        add(uow, ctx("bob"), group.id, ["dan"])
    direct, _ = create(uow, "ann", ["bob"], "direct")
    with pytest.raises(FailedPrecondition):
        add(uow, ctx("ann", "tenant-admin"), direct.id, ["dan"])


def test_a_tenant_admin_outside_a_group_adds_removes_and_closes_but_others_outside_may_not():
    from shared.auth_context import AuthContext

    uow = FakeUnitOfWork()
    group, _ = create(uow, "ann", ["bob"])
    admin = ctx("dan", "tenant-admin")
    add(uow, admin, group.id, ["cat"])
    remove(uow, admin, group.id, "bob")
    uow.run(lambda u: conversations.close_conversation(u, admin, T, group.id))
    after = stored(uow, group.id)
    assert (after.participant_ids, after.status.value) == (["ann", "cat"], "closed")
    assert "dan" not in after.participants  # managing did not make the admin a participant

    other, _ = create(uow, "ann", ["bob"])
    elsewhere = AuthContext(uid="dan", tenant_id="t2", roles=("tenant-admin",))
    for outsider in (ctx("dan"), elsewhere):
        for command in (
            lambda who=outsider: add(uow, who, other.id, ["cat"]),
            lambda who=outsider: remove(uow, who, other.id, "bob"),
            lambda who=outsider: uow.run(
                lambda u: conversations.close_conversation(u, who, T, other.id)
            ),
        ):
            with pytest.raises(PermissionDenied) as refused:
                command()
            assert refused.value.type == "messaging/not-participant"
    with pytest.raises(PermissionDenied) as refused:
        uow.run(lambda u: conversations.close_conversation(u, ctx("bob"), T, other.id))
    assert refused.value.type == "messaging/not-manager"
    assert stored(uow, other.id).participant_ids == ["ann", "bob"]


def test_a_tenant_admin_outside_a_direct_conversation_is_answered_as_for_none():
    uow = FakeUnitOfWork()
    direct, _ = create(uow, "ann", ["bob"], "direct")
    admin = ctx("dan", "tenant-admin")
    for command in (
        lambda: add(uow, admin, direct.id, ["cat"]),
        lambda: remove(uow, admin, direct.id, "bob"),
        lambda: uow.run(lambda u: conversations.close_conversation(u, admin, T, direct.id)),
    ):
        with pytest.raises(PermissionDenied) as refused:
            command()
        assert refused.value.type == "messaging/not-participant"
    assert stored(uow, direct.id).status.value == "open"
