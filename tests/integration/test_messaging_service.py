"""The messaging service through the Functions emulator, as a frontend calls it: conversations,
exact unread counts and totals, refusals that write nothing, events, and consumers delivered
twice (the emulators never redeliver, so the same envelope is published twice here)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from messaging import repositories as repos
from messaging.models.conversations import SendBudget
from shared import events
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user, unique_id


@pytest.fixture
def people(tenant):
    """The tenant's admin and member, plus a second member, with profiles (participants must
    be active users of the tenant)."""
    extra = create_user(tenant_id=tenant.id, roles=["member"])
    for user in (tenant.admin, tenant.member, extra, tenant.manager):
        seed_user_profile(tenant.id, user)
    return tenant.admin, tenant.member, extra


def refused(name, payload, user):
    with pytest.raises(CallableError) as error:
        call(name, payload, user)
    return error.value


def direct(a, b, **extra):
    payload = {"participantIds": [b.uid], "type": "direct", **extra}
    return call("messaging_create_conversation", payload, a)["conversationId"]


def group(creator, *others):
    payload = {"participantIds": [u.uid for u in others], "type": "group", "name": "Team"}
    return call("messaging_create_conversation", payload, creator)["conversationId"]


def send(user, conversation_id, text="hello", **extra):
    payload = {"conversationId": conversation_id, "text": text, **extra}
    return call("messaging_send_message", payload, user)


def conversation(tenant_id, conversation_id):
    return repos.conversations(tenant_id).require(conversation_id)


def total(tenant_id, uid):
    found = repos.unread_totals(tenant_id).get(uid)
    return found.unread_count if found else 0


def message_count(tenant_id, conversation_id):
    return repos.messages(tenant_id, conversation_id).count()


def test_a_direct_conversation_created_from_both_sides_is_the_same_one(tenant, people):
    admin, member, _ = people
    first = direct(admin, member)
    assert direct(member, admin) == first
    stored = conversation(tenant.id, first)
    assert sorted(stored.participant_ids) == sorted([admin.uid, member.uid])
    assert stored.participants[member.uid].display_name == f"User {member.uid}"


def test_sending_counts_unread_for_the_others_and_mark_read_resets_them(tenant, people):
    admin, member, extra = people
    cid = group(admin, member, extra)
    first = send(admin, cid, "one")
    send(admin, cid, "two")
    stored = conversation(tenant.id, cid)
    assert stored.unread_counts == {admin.uid: 0, member.uid: 2, extra.uid: 2}
    assert stored.latest_message is not None and stored.latest_message.text == "two"
    assert (total(tenant.id, member.uid), total(tenant.id, extra.uid)) == (2, 2)

    answer = call(
        "messaging_mark_read", {"conversationId": cid, "messageId": first["messageId"]}, member
    )
    assert answer["unreadCount"] == 1 and total(tenant.id, member.uid) == 1
    latest = stored.latest_message.id
    answer = call("messaging_mark_read", {"conversationId": cid, "messageId": latest}, member)
    assert answer["unreadCount"] == 0 and total(tenant.id, member.uid) == 0


def test_a_retried_send_returns_the_first_message_and_counts_once(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    first = send(admin, cid, clientMessageId="retry-1")
    again = send(admin, cid, clientMessageId="retry-1")
    assert again["messageId"] == first["messageId"] and again["duplicate"] is True
    assert message_count(tenant.id, cid) == 1 and total(tenant.id, member.uid) == 1


def test_a_retry_after_the_conversation_closed_answers_the_first_message(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    first = send(member, cid, clientMessageId="retry-closed")
    call("messaging_close_conversation", {"conversationId": cid}, admin)
    again = send(member, cid, clientMessageId="retry-closed")
    assert again["messageId"] == first["messageId"] and again["duplicate"] is True
    assert message_count(tenant.id, cid) == 1


def test_concurrent_senders_leave_every_count_and_total_exact(tenant, people):
    admin, member, extra = people
    cid = group(admin, member, extra)
    senders = [admin, member, extra] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda user: send(user, cid), senders))
    stored = conversation(tenant.id, cid)
    assert stored.seq == 12 and message_count(tenant.id, cid) == 12
    for user in (admin, member, extra):
        assert stored.unread_counts[user.uid] == stored.seq - stored.read_positions[user.uid]
        assert total(tenant.id, user.uid) == stored.unread_counts[user.uid]


def test_concurrent_out_of_order_mark_reads_end_at_the_furthest(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    ids = [send(admin, cid, f"m{n}")["messageId"] for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda mid: call(
                    "messaging_mark_read", {"conversationId": cid, "messageId": mid}, member
                ),
                reversed(ids),
            )
        )
    stored = conversation(tenant.id, cid)
    assert stored.read_positions[member.uid] == 8 and stored.unread_counts[member.uid] == 0
    assert total(tenant.id, member.uid) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "ok", "attachments": [{"id": "nope", "token": "t"}]}, "attachments.0"),
        ({"text": "ok", "colour": "red"}, "colour"),
    ],
    ids=["empty", "too-long", "unknown-file", "unknown-key"],
)
def test_a_bad_message_is_invalid_argument_naming_the_field_and_writes_nothing(
    tenant, people, payload, field
):
    admin, member, _ = people
    cid = direct(admin, member)
    error = refused("messaging_send_message", {"conversationId": cid, **payload}, admin)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", [field])
    assert message_count(tenant.id, cid) == 0 and conversation(tenant.id, cid).seq == 0


@pytest.mark.parametrize(
    ("others", "type_name"),
    [("self", "direct"), ("stranger", "group"), ("too-many", "group"), ("two", "direct")],
)
def test_a_bad_conversation_is_invalid_argument_naming_participant_ids(
    tenant, people, others, type_name
):
    admin, member, extra = people
    ids = {
        "self": [admin.uid],
        "stranger": [member.uid, unique_id("nobody")],
        "too-many": [unique_id("u") for _ in range(200)],
        "two": [member.uid, extra.uid],
    }[others]
    payload = {"participantIds": ids, "type": type_name}
    error = refused("messaging_create_conversation", payload, admin)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["participantIds"])


def test_a_bad_emoji_and_a_message_of_another_conversation_are_named(tenant, people):
    admin, member, extra = people
    one = direct(admin, member)
    other = group(admin, member, extra)
    elsewhere = send(admin, other)["messageId"]
    mine = send(admin, one)["messageId"]
    error = refused(
        "messaging_react", {"conversationId": one, "messageId": mine, "emoji": "ok"}, member
    )
    assert error.fields == ["emoji"]
    error = refused("messaging_mark_read", {"conversationId": one, "messageId": elsewhere}, member)
    assert error.fields == ["messageId"]


def test_non_participants_and_other_tenants_are_refused(tenant, other_tenant, people):
    admin, member, extra = people
    cid = direct(admin, member)
    seed_user_profile(other_tenant.id, other_tenant.admin)
    for user in (extra, other_tenant.admin):
        assert (
            refused("messaging_send_message", {"conversationId": cid, "text": "hi"}, user).status
            == "PERMISSION_DENIED"
        )
    payload = {"conversationId": cid, "text": "hi", "tenantId": tenant.id}
    assert (
        refused("messaging_send_message", payload, other_tenant.admin).status == "PERMISSION_DENIED"
    )
    assert message_count(tenant.id, cid) == 0


def test_a_blocked_user_can_neither_start_nor_continue_a_direct_conversation(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    call("messaging_block_user", {"userId": admin.uid}, member)
    assert (
        refused("messaging_send_message", {"conversationId": cid, "text": "hi"}, admin).status
        == "PERMISSION_DENIED"
    )
    payload = {"participantIds": [member.uid], "type": "direct", "key": "other"}
    assert refused("messaging_create_conversation", payload, admin).status == "PERMISSION_DENIED"
    call("messaging_unblock_user", {"userId": admin.uid}, member)
    send(admin, cid)


def test_a_closed_conversation_and_a_late_edit_are_failed_precondition(tenant, people):
    admin, member, extra = people
    cid = group(admin, member, extra)
    mid = send(member, cid, "first")["messageId"]
    old = datetime.now(UTC) - timedelta(hours=2)
    repos.messages(tenant.id, cid).update(mid, {"sent_at": old})
    payload = {"conversationId": cid, "messageId": mid, "text": "edited"}
    assert refused("messaging_edit_message", payload, member).status == "FAILED_PRECONDITION"
    call("messaging_close_conversation", {"conversationId": cid}, admin)
    error = refused("messaging_send_message", {"conversationId": cid, "text": "hi"}, member)
    assert (error.status, error.details["type"]) == ("FAILED_PRECONDITION", "messaging/closed")
    assert message_count(tenant.id, cid) == 1


def test_sending_past_the_rate_is_resource_exhausted_and_writes_nothing(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    repos.send_budgets(tenant.id).set(
        SendBudget(id=admin.uid, window_start=datetime.now(UTC), count=120)
    )
    error = refused("messaging_send_message", {"conversationId": cid, "text": "hi"}, admin)
    assert (error.status, error.details["type"]) == ("RESOURCE_EXHAUSTED", "messaging/rate-limited")
    assert message_count(tenant.id, cid) == 0 and total(tenant.id, member.uid) == 0


def test_edit_react_delete_and_flag_change_the_message_for_everyone(tenant, people):
    admin, member, _ = people
    cid = direct(admin, member)
    mid = send(member, cid, "helo")["messageId"]
    call(
        "messaging_edit_message", {"conversationId": cid, "messageId": mid, "text": "hello"}, member
    )
    ref = {"conversationId": cid, "messageId": mid}
    answer = call("messaging_react", {**ref, "emoji": "👍"}, admin)
    assert answer["reactions"] == {"👍": [admin.uid]}
    call("messaging_flag_message", {**ref, "reason": "spam"}, admin)
    stored = repos.messages(tenant.id, cid).require(mid)
    assert (stored.text, [e.text for e in stored.edits]) == ("hello", ["helo"])
    assert len(list(repos.flags(tenant.id).stream_all())) == 1
    call("messaging_delete_message", ref, member)
    assert repos.messages(tenant.id, cid).require(mid).deleted
    assert conversation(tenant.id, cid).latest_message.deleted


def test_a_removed_member_is_refused_and_their_unread_leaves_their_total(tenant, people):
    admin, member, extra = people
    cid = group(admin, member)
    call(
        "messaging_add_participants", {"conversationId": cid, "participantIds": [extra.uid]}, admin
    )
    send(admin, cid)
    assert total(tenant.id, extra.uid) == 1
    call("messaging_remove_participant", {"conversationId": cid, "participantId": extra.uid}, admin)
    assert total(tenant.id, extra.uid) == 0
    assert conversation(tenant.id, cid).participants[extra.uid].left_at is not None
    assert (
        refused("messaging_send_message", {"conversationId": cid, "text": "hi"}, extra).status
        == "PERMISSION_DENIED"
    )


def test_a_tenant_admin_outside_a_group_manages_it_but_a_member_outside_may_not(tenant, people):
    admin, member, extra = people
    outsider = create_user(tenant_id=tenant.id, roles=["member"])
    seed_user_profile(tenant.id, outsider)
    cid = group(member, extra)
    change = {"conversationId": cid, "participantIds": [outsider.uid]}
    error = refused("messaging_add_participants", change, outsider)
    assert (error.status, error.details["type"]) == (
        "PERMISSION_DENIED",
        "messaging/not-participant",
    )
    call("messaging_add_participants", change, admin)
    call("messaging_remove_participant", {"conversationId": cid, "participantId": extra.uid}, admin)
    call("messaging_close_conversation", {"conversationId": cid}, admin)
    stored = conversation(tenant.id, cid)
    assert stored.participant_ids == [member.uid, outsider.uid]
    assert stored.status.value == "closed" and admin.uid not in stored.participants


def test_a_message_publishes_message_sent_and_user_mentioned(tenant, people, tap_events):
    tap = tap_events("messaging-events")
    admin, member, extra = people
    cid = group(admin, member, extra)
    mid = send(admin, cid, f"hi <@{member.uid}>")["messageId"]
    sent = tap.wait_for(lambda e: e.id == f"{mid}-sent")
    assert sent.type == "messaging.message_sent" and sent.tenant_id == tenant.id
    assert sorted(sent.data["recipientIds"]) == sorted([member.uid, extra.uid])
    mentioned = tap.wait_for(lambda e: e.id == f"{mid}-mention-{member.uid}")
    assert mentioned.data["mentionedUserId"] == member.uid


def test_an_edit_mentioning_someone_new_publishes_their_user_mentioned(tenant, people, tap_events):
    tap = tap_events("messaging-events")
    admin, member, extra = people
    cid = group(admin, member, extra)
    mid = send(admin, cid, f"hi <@{member.uid}>")["messageId"]
    tap.wait_for(lambda e: e.id == f"{mid}-mention-{member.uid}")
    text = f"hi <@{member.uid}> and <@{extra.uid}>"
    call("messaging_edit_message", {"conversationId": cid, "messageId": mid, "text": text}, admin)
    mentioned = tap.wait_for(lambda e: e.id == f"{mid}-mention-{extra.uid}")
    assert mentioned.type == "messaging.user_mentioned"
    assert mentioned.data["mentionedUserId"] == extra.uid


def user_event(type_name, tenant_id, uid, data):
    return events.new_event(type_name, tenant_id=tenant_id, subject_id=uid, data=data)


def test_a_name_change_delivered_twice_reaches_every_conversation_of_the_user(tenant, people):
    admin, member, extra = people
    ids = [group(admin, member), group(admin, member, extra), direct(member, admin)]
    seed_user_profile(tenant.id, member, display_name="Mia Renamed")
    event = user_event("user.updated", tenant.id, member.uid, {"changedFields": ["displayName"]})
    events.publish([event])
    events.publish([event])

    def renamed() -> bool:
        names = [conversation(tenant.id, c).participants[member.uid].display_name for c in ids]
        return names == ["Mia Renamed"] * 3

    eventually(renamed)


def test_a_user_disabled_twice_closes_their_two_person_conversations_once(
    tenant, people, tap_events
):
    tap = tap_events("messaging-events")
    admin, member, extra = people
    pair = direct(admin, member)
    trio = group(admin, member, extra)
    event = user_event("user.disabled", tenant.id, member.uid, {})
    events.publish([event])
    events.publish([event])
    eventually(lambda: conversation(tenant.id, pair).status.value == "closed")
    closed = tap.collect(3)
    assert [e.id for e in closed if e.type == "messaging.conversation_closed"] == [f"{pair}-closed"]
    assert conversation(tenant.id, trio).status.value == "open"
    assert not conversation(tenant.id, trio).participants[member.uid].active


def test_a_user_reactivated_twice_is_active_again_and_closed_conversations_stay_closed(
    tenant, people
):
    admin, member, extra = people
    pair = direct(admin, member)
    trio = group(admin, member, extra)
    events.publish([user_event("user.disabled", tenant.id, member.uid, {})])
    eventually(lambda: conversation(tenant.id, pair).status.value == "closed")
    eventually(lambda: not conversation(tenant.id, trio).participants[member.uid].active)
    event = user_event("user.reactivated", tenant.id, member.uid, {})
    events.publish([event])
    events.publish([event])

    def active_again() -> bool:
        return all(conversation(tenant.id, c).participants[member.uid].active for c in (pair, trio))

    eventually(active_again)
    assert conversation(tenant.id, pair).status.value == "closed"
    assert conversation(tenant.id, trio).status.value == "open"


def test_the_recount_repairs_a_drifted_total(tenant, people):
    from messaging import reading

    admin, member, _ = people
    cid = direct(admin, member)
    send(admin, cid)
    send(admin, cid)
    repos.unread_totals(tenant.id).increment(member.uid, {"unread_count": 5})
    assert reading.recount_total(tenant.id, member.uid) == 2
    assert reading.recount_total(tenant.id, member.uid) == 2 == total(tenant.id, member.uid)


def test_recounts_racing_sends_leave_the_total_exact(tenant, people):
    from messaging import reading

    admin, member, extra = people
    ids = [direct(admin, member), group(extra, member)]
    senders = [(admin, ids[0]), (extra, ids[1])] * 5
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = []
        for user, cid in senders:
            futures.append(pool.submit(send, user, cid))
            futures.append(pool.submit(reading.recount_total, tenant.id, member.uid))
        for future in futures:
            future.result()
    counts = [conversation(tenant.id, cid).unread_counts[member.uid] for cid in ids]
    assert counts == [5, 5] and total(tenant.id, member.uid) == 10


def test_a_send_committing_inside_a_recount_runs_the_recount_again(tenant, people):
    from messaging import reading
    from shared.unit_of_work import UnitOfWork, in_transaction

    admin, member, _ = people
    cid = direct(admin, member)
    send(admin, cid)
    runs: list[int] = []

    def recount_with_a_send_before_its_commit(uow: UnitOfWork) -> int:
        counted = reading.recount(uow, tenant.id, member.uid)
        if not runs:
            send(admin, cid)  # commits between this unit's sum and its commit
        runs.append(counted)
        return counted

    assert in_transaction(recount_with_a_send_before_its_commit) == 2
    assert runs == [1, 2] and total(tenant.id, member.uid) == 2


def test_a_system_message_from_another_service_counts_for_everyone_once(tenant, people):
    from messaging.public import post_system_message

    admin, member, _ = people
    cid = direct(admin, member)
    first = post_system_message(tenant.id, cid, "Order shipped", message_id="order-1-shipped")
    again = post_system_message(tenant.id, cid, "Order shipped", message_id="order-1-shipped")
    assert first == again and message_count(tenant.id, cid) == 1
    assert (total(tenant.id, admin.uid), total(tenant.id, member.uid)) == (1, 1)


def test_retention_deletes_old_messages_and_keeps_new_ones_on_a_second_run(tenant, people):
    from messaging import background

    admin, member, extra = people
    cid = group(admin, member, extra)
    old = send(admin, cid, "old")["messageId"]
    send(admin, cid, "new")
    repos.messages(tenant.id, cid).update(old, {"sent_at": datetime.now(UTC) - timedelta(days=400)})
    assert background.apply_retention(iter([tenant.id])) == 1
    assert background.apply_retention(iter([tenant.id])) == 0
    assert message_count(tenant.id, cid) == 1


def test_the_queued_recount_task_repairs_a_total_and_running_twice_changes_nothing(tenant, people):
    from messaging.public import request_unread_recount
    from shared.tasks import enqueue

    admin, member, _ = people
    cid = direct(admin, member)
    send(admin, cid)
    repos.unread_totals(tenant.id).increment(member.uid, {"unread_count": 7})
    request_unread_recount(tenant.id, member.uid)
    eventually(lambda: total(tenant.id, member.uid) == 1)
    payload = {"tenantId": tenant.id, "userId": member.uid}
    enqueue("messagingRecountUnread", payload, task_id=unique_id("again"))  # a second delivery
    send(admin, cid)
    eventually(lambda: total(tenant.id, member.uid) == 2)
