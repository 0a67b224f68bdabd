"""Messaging against the abuses of issue 20, through the Functions emulator: a tenant admin who
manages a group without reading it, members reading from their joining on, messages holding
several files, block lists of real users only, and texts that show nothing. Each test names the
abuse it refuses (see the threat model in functions/messaging/README.md)."""

from __future__ import annotations

import pytest

from files import repositories as file_repos
from messaging import repositories as repos
from messaging.conversations import direct_id
from tests.support.callables import CallableError, call
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user, unique_id


@pytest.fixture
def people(tenant):
    """The tenant's admin and member, plus a second member, with profiles."""
    extra = create_user(tenant_id=tenant.id, roles=["member"])
    for user in (tenant.admin, tenant.member, extra):
        seed_user_profile(tenant.id, user)
    return tenant.admin, tenant.member, extra


def refused(name, payload, user) -> CallableError:
    with pytest.raises(CallableError) as error:
        call(name, payload, user)
    return error.value


def group(creator, *others) -> str:
    payload = {"participantIds": [u.uid for u in others], "type": "group", "name": "Team"}
    return call("messaging_create_conversation", payload, creator)["conversationId"]


def send(user, conversation_id, text="hello", **extra):
    return call(
        "messaging_send_message", {"conversationId": conversation_id, "text": text, **extra}, user
    )


def add(user, conversation_id, *added):
    change = {"conversationId": conversation_id, "participantIds": [u.uid for u in added]}
    return call("messaging_add_participants", change, user)


def remove(user, conversation_id, removed):
    change = {"conversationId": conversation_id, "participantId": removed.uid}
    return call("messaging_remove_participant", change, user)


def stored(tenant_id, conversation_id):
    return repos.conversations(tenant_id).require(conversation_id)


def messages(tenant_id, conversation_id):
    found = repos.messages(tenant_id, conversation_id).stream_all()
    return sorted(found, key=lambda m: m.seq)


# -- item 3: managing is not reading ----------------------------------------------------------
def test_a_tenant_admin_outside_a_group_cannot_add_themself_and_nothing_is_written(tenant, people):
    admin, member, extra = people
    cid = group(member, extra)
    send(member, cid, "private plans")
    error = refused(
        "messaging_add_participants",
        {"conversationId": cid, "participantIds": [admin.uid]},
        admin,
    )
    assert (error.status, error.details["type"]) == (
        "PERMISSION_DENIED",
        "messaging/manager-not-participant",
    )
    after = stored(tenant.id, cid)
    assert admin.uid not in after.participant_ids and admin.uid not in after.participants
    assert after.seq == 1 and len(messages(tenant.id, cid)) == 1


def test_every_membership_change_posts_a_system_message_naming_who_did_what(tenant, people):
    admin, member, extra = people
    newcomer = create_user(tenant_id=tenant.id, roles=["member"])
    seed_user_profile(tenant.id, newcomer)
    cid = group(member, extra)
    add(admin, cid, newcomer)  # a tenant admin outside the group: announced all the same
    remove(member, cid, extra)
    remove(newcomer, cid, newcomer)  # leaving
    found = messages(tenant.id, cid)
    assert [(m.kind.value, m.seq, m.sender_id) for m in found] == [
        ("system", 1, None),
        ("system", 2, None),
        ("system", 3, None),
    ]
    assert [m.data for m in found] == [
        {"change": "added", "actorId": admin.uid, "userIds": [newcomer.uid]},
        {"change": "removed", "actorId": member.uid, "userIds": [extra.uid]},
        {"change": "left", "actorId": newcomer.uid, "userIds": [newcomer.uid]},
    ]
    assert found[0].text == f"User {admin.uid} added User {newcomer.uid}"
    after = stored(tenant.id, cid)
    assert after.participant_ids == [member.uid]
    # the actor has read their own announcement: the member's unread is the other two's
    assert (after.read_positions[member.uid], after.unread_counts[member.uid]) == (2, 1)


def test_adding_someone_already_in_or_removing_someone_gone_announces_nothing(tenant, people):
    admin, member, extra = people
    cid = group(member, extra)
    add(member, cid, extra)
    remove(member, cid, admin)
    assert stored(tenant.id, cid).seq == 0 and messages(tenant.id, cid) == []


def test_a_tenant_admin_outside_a_direct_conversation_can_neither_find_nor_close_it(tenant, people):
    """A direct conversation's id derives from its two people, so an admin could compute it:
    closing or changing it must answer as for a conversation that does not exist."""
    admin, member, extra = people
    payload = {"participantIds": [extra.uid], "type": "direct"}
    cid = call("messaging_create_conversation", payload, member)["conversationId"]
    assert cid == direct_id([member.uid, extra.uid], None)
    never = direct_id([member.uid, unique_id("nobody")], None)
    answers = []
    for conversation_id in (cid, never):
        for name, extra_payload in (
            ("messaging_close_conversation", {}),
            ("messaging_add_participants", {"participantIds": [admin.uid]}),
            ("messaging_remove_participant", {"participantId": extra.uid}),
        ):
            error = refused(name, {"conversationId": conversation_id, **extra_payload}, admin)
            answers.append((conversation_id == cid, error.status, error.details["type"]))
    assert {answer[1:] for answer in answers} == {
        ("PERMISSION_DENIED", "messaging/not-participant")
    }
    assert stored(tenant.id, cid).status.value == "open"


# -- item 4: members read from their joining on -----------------------------------------------
def test_a_member_re_added_after_removal_cannot_touch_a_message_sent_before_their_return(
    tenant, people
):
    _, member, extra = people
    cid = group(member, extra)
    before = send(member, cid, "before you left")["messageId"]
    remove(member, cid, extra)
    away = send(member, cid, "while you were away")["messageId"]
    add(member, cid, extra)
    after = stored(tenant.id, cid)
    assert after.participants[extra.uid].joined_seq == 3  # 1 sent, 2 removed, 3 away; 4 added
    assert after.latest_message.kind.value == "system"  # no preview of what came before
    assert (after.unread_counts[extra.uid], after.read_positions[extra.uid]) == (0, 4)
    for message_id in (before, away):
        ref = {"conversationId": cid, "messageId": message_id}
        for name, payload in (
            ("messaging_react", {**ref, "emoji": "👍"}),
            ("messaging_flag_message", {**ref, "reason": "x"}),
            ("messaging_mark_read", ref),
        ):
            error = refused(name, payload, extra)
            assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["messageId"]), name
    assert repos.messages(tenant.id, cid).require(away).reactions == {}
    assert list(repos.flags(tenant.id).stream_all()) == []
    mine = send(member, cid, "welcome back")["messageId"]
    answer = call(
        "messaging_react", {"conversationId": cid, "messageId": mine, "emoji": "👍"}, extra
    )
    assert answer["reactions"] == {"👍": [extra.uid]}


def test_a_tenant_admin_who_joins_cannot_delete_a_message_sent_before_they_joined(tenant, people):
    admin, member, extra = people
    cid = group(member, extra)
    old = send(extra, cid, "before the admin came")["messageId"]
    add(member, cid, admin)
    error = refused("messaging_delete_message", {"conversationId": cid, "messageId": old}, admin)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["messageId"])
    assert not repos.messages(tenant.id, cid).require(old).deleted


# -- item 8: several attachments ----------------------------------------------------------------
def upload(user) -> dict:
    payload = {
        "fileName": "a.png",
        "contentType": "image/png",
        "size": 10,
        "groupingId": "attachments",
    }
    receipt = call("files_create_upload", payload, user)["receipt"]
    return {"id": receipt["id"], "token": receipt["token"]}


@pytest.mark.parametrize("count", [2, 3])
def test_a_message_with_several_attachments_holds_every_file(tenant, people, count):
    admin, member, _ = people
    cid = group(member, admin)
    files = [upload(member) for _ in range(count)]
    sent = send(member, cid, "files", attachments=files)
    message = repos.messages(tenant.id, cid).require(sent["messageId"])
    assert [a.file_id for a in message.attachments] == [f["id"] for f in files]
    holder = f"messaging/{cid}/{sent['messageId']}"
    for f in files:
        assert file_repos.references(tenant.id).require(f["id"]).holders == [holder]


def test_the_same_attachment_twice_is_invalid_argument_naming_attachments_and_writes_nothing(
    tenant, people
):
    admin, member, _ = people
    cid = group(member, admin)
    one, other = upload(member), upload(member)
    error = refused(
        "messaging_send_message",
        {"conversationId": cid, "text": "twice", "attachments": [one, other, one]},
        member,
    )
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["attachments"])
    assert stored(tenant.id, cid).seq == 0 and messages(tenant.id, cid) == []
    assert file_repos.references(tenant.id).get(one["id"]) is None


# -- item 15: block lists and invisible texts ---------------------------------------------------
def test_blocking_someone_who_is_no_user_of_the_tenant_or_oneself_is_refused_naming_user_id(
    tenant, other_tenant, people
):
    admin, member, _ = people
    stranger = create_user(tenant_id=other_tenant.id, roles=["member"])
    seed_user_profile(other_tenant.id, stranger)
    for user_id in (unique_id("nobody"), stranger.uid, member.uid):
        error = refused("messaging_block_user", {"userId": user_id}, member)
        assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["userId"]), user_id
    assert repos.blocks(tenant.id).get(member.uid) is None
    call("messaging_block_user", {"userId": admin.uid}, member)
    assert repos.blocks(tenant.id).require(member.uid).blocked_ids == [admin.uid]


INVISIBLE = [
    "\u200b",  # zero width space
    "\u200b\u200c\u200d\u2060\ufeff",  # joiners, word joiner, byte order mark
    "\u00ad\u034f",  # soft hyphen, combining grapheme joiner
    "\u3164\u115f\u1160\uffa0",  # Hangul fillers
    "\u2800",  # Braille blank
    "\u202e\u200f",  # bidi override and mark
    "\u3000\u200b\u2003",  # spaces (stripped) around a zero width space
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_message_that_shows_nothing_is_invalid_argument_naming_text(tenant, people, text):
    admin, member, _ = people
    cid = group(member, admin)
    error = refused("messaging_send_message", {"conversationId": cid, "text": text}, member)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["text"])
    mid = send(member, cid, "visible")["messageId"]
    edit = {"conversationId": cid, "messageId": mid, "text": text}
    error = refused("messaging_edit_message", edit, member)
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["text"])
    assert repos.messages(tenant.id, cid).require(mid).text == "visible"
    assert stored(tenant.id, cid).seq == 1
