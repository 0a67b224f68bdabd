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
    MEMBERS,
    T,
    config,
    create,
    ctx,
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


def test_a_tenant_admin_outside_a_group_adds_removes_and_closes_but_others_outside_may_not():
    from shared.auth_context import AuthContext

    uow = FakeUnitOfWork()
    group, _ = create(uow, "ann", ["bob"])
    admin = ctx("dan", "tenant-admin")
    add = conversations.add_participants
    uow.run(lambda u: add(u, admin, T, messaging_config(), group.id, ["cat"], MEMBERS))
    uow.run(lambda u: conversations.remove_participant(u, admin, T, group.id, "bob"))
    uow.run(lambda u: conversations.close_conversation(u, admin, T, group.id))
    after = stored(uow, group.id)
    assert (after.participant_ids, after.status.value) == (["ann", "cat"], "closed")
    assert "dan" not in after.participants  # managing did not make the admin a participant

    other, _ = create(uow, "ann", ["bob"])
    elsewhere = AuthContext(uid="dan", tenant_id="t2", roles=("tenant-admin",))
    for outsider in (ctx("dan"), elsewhere):
        for command in (
            lambda u, who=outsider: add(u, who, T, messaging_config(), other.id, ["cat"], MEMBERS),
            lambda u, who=outsider: conversations.remove_participant(u, who, T, other.id, "bob"),
            lambda u, who=outsider: conversations.close_conversation(u, who, T, other.id),
        ):
            with pytest.raises(PermissionDenied) as refused:
                uow.run(command)
            assert refused.value.type == "messaging/not-participant"
    with pytest.raises(PermissionDenied) as refused:
        uow.run(lambda u: conversations.close_conversation(u, ctx("bob"), T, other.id))
    assert refused.value.type == "messaging/not-manager"
    assert stored(uow, other.id).participant_ids == ["ann", "bob"]
