"""The messaging service: a conversation and its messages are read by its current participants
inside the tenant only (the seeded one's are the owner and a deactivated admin, who reads
nothing), a message only from the reader's joining on (its ``seq`` above their
``participants.{uid}.joinedSeq``, so a list must bound ``seq`` from below) unless the
conversation's ``history`` is ``all``; ``unreadTotals/{uid}`` and ``messagingBlocks/{uid}`` by
their user; ``messageFlags`` by the tenant's admins; ``messagingRates`` by nobody. No client
writes any of it."""

from __future__ import annotations

import pytest
import requests
from rules_client import Op, documents_url, encode, seed
from rules_tables import ALLOW, CASE, DENY, access_table, check_access, everyone_denied
from rules_world import World, unique_id

# A list of conversations must be pinned to the caller (`participantIds array-contains uid`):
# the table's list (filtered on `type` only) is refused to everyone, the pinned one is below.
CONVERSATION = access_table(
    "conversation",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roles-not-a-list":       (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (ALLOW, DENY,  DENY,  DENY,  DENY),
        "owner-elsewhere":        (DENY,  DENY,  DENY,  DENY,  DENY),
        "manager":                (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-admin":         (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-role":          (DENY,  DENY,  DENY,  DENY,  DENY),
        "deactivated":            (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip
# A list of messages must bound `seq` from below by the caller's joining (the table's list,
# filtered on `tenantId` only, is refused even to the owner; bounded lists are below).
MESSAGE = access_table(
    "message",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (ALLOW, DENY,  DENY,  DENY,  DENY),
        "owner-elsewhere":        (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-admin":         (DENY,  DENY,  DENY,  DENY,  DENY),
        "deactivated":            (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip
OWN = {
    #                          get    list   create update delete
    "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
    "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
    "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
    "owner":                  (ALLOW, DENY,  DENY,  DENY,  DENY),
    "owner-elsewhere":        (DENY,  DENY,  DENY,  DENY,  DENY),
    "tenant-admin":           (DENY,  DENY,  DENY,  DENY,  DENY),
    "platform-admin":         (DENY,  DENY,  DENY,  DENY,  DENY),
}  # fmt: skip
PER_USER = access_table("unread-total", OWN) + access_table("messaging-blocks", OWN)
FLAG = access_table(
    "message-flag",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-admin":         (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "deactivated":            (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip


@pytest.mark.parametrize(CASE, CONVERSATION + MESSAGE)
def test_a_conversation_and_its_messages_are_read_by_its_active_participants_only(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, PER_USER)
def test_unread_totals_and_block_lists_are_read_by_their_user_only(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, FLAG)
def test_flags_are_read_by_the_tenants_admins_only(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, everyone_denied("messaging-rate"))
def test_send_windows_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


def pinned_list(world: World, person: str, uid: str) -> requests.Response:
    target = world.targets["conversation"]
    query = {
        "structuredQuery": {
            "from": [{"collectionId": target.collection_id}],
            "where": {
                "fieldFilter": {
                    "field": {"fieldPath": "participantIds"},
                    "op": "ARRAY_CONTAINS",
                    "value": encode(uid),
                }
            },
        }
    }
    url = f"{documents_url(target.parent)}:runQuery"
    return requests.post(url, json=query, headers=world.callers[person].headers, timeout=30)


@pytest.mark.parametrize(("person", "status"), [("owner", 200), ("member", 200)])
def test_a_list_pinned_to_the_caller_is_allowed_and_shows_only_their_conversations(
    world: World, person: str, status: int
) -> None:
    uid = world.callers[person].uid
    assert uid is not None
    answer = pinned_list(world, person, uid)
    assert answer.status_code == status, answer.text
    names = [row["document"]["name"] for row in answer.json() if "document" in row]
    seeded = world.targets["conversation"].path
    assert any(name.endswith(seeded) for name in names) == (person == "owner")


def test_a_list_pinned_to_someone_else_is_refused(world: World) -> None:
    owner = world.callers["owner"].uid
    assert owner is not None
    answer = pinned_list(world, "member", owner)
    assert answer.status_code == 403, answer.text


# -- reading from one's joining on ---------------------------------------------------------------
# Two conversations of four messages each (seq 1-4): the owner was there from the start, the
# member left after message 2 and was added again (joinedSeq 2: they read 3 and 4), the manager
# was removed after message 2 (leftAt, no longer in participantIds). `history` is the type's
# declaration copied onto the conversation: `joined` (the default) or `all`.
@pytest.fixture(scope="module")
def joined(world: World) -> dict[str, str]:
    """{history: conversation path} for `joined` and `all`, seeded as the functions write."""
    owner, member = world.callers["owner"].uid, world.callers["member"].uid
    manager = world.callers["manager"].uid
    paths = {}
    for history in ("joined", "all"):
        path = f"tenants/{world.home}/conversations/{unique_id('conversation')}"
        seed(
            path,
            {
                "tenantId": world.home,
                "type": "group",
                "history": history,
                "seq": 4,
                "participantIds": [owner, member],
                "participants": {
                    owner: {"joinedSeq": 0},
                    member: {"joinedSeq": 2},
                    manager: {"joinedSeq": 0, "leftAt": "2026-12-01T00:00:00Z"},
                },
            },
        )
        for seq in range(1, 5):
            seed(f"{path}/messages/m{seq}", {"tenantId": world.home, "seq": seq, "text": f"{seq}"})
        paths[history] = path
    return paths


def list_messages(
    world: World, person: str, conversation: str, op: str | None = None, seq: int = 0
) -> requests.Response:
    """The conversation's messages as ``person`` lists them: ``seq`` ``op`` ``seq`` when given
    (``GREATER_THAN``, ``GREATER_THAN_OR_EQUAL``, ``EQUAL``), ordered by ``seq``."""
    query: dict = {"from": [{"collectionId": "messages"}]}
    if op is not None:
        query["where"] = {
            "fieldFilter": {"field": {"fieldPath": "seq"}, "op": op, "value": encode(seq)}
        }
        query["orderBy"] = [{"field": {"fieldPath": "seq"}, "direction": "ASCENDING"}]
    url = f"{documents_url(conversation)}:runQuery"
    headers = world.callers[person].headers
    return requests.post(url, json={"structuredQuery": query}, headers=headers, timeout=30)


def texts(answer: requests.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [
        row["document"]["fields"]["text"]["stringValue"]
        for row in answer.json()
        if "document" in row
    ]


def get_message(world: World, person: str, conversation: str, seq: int) -> int:
    headers = world.callers[person].headers
    return requests.get(
        documents_url(f"{conversation}/messages/m{seq}"), headers=headers, timeout=30
    ).status_code


@pytest.mark.parametrize(
    ("person", "bound", "expected"),
    [("owner", 0, ["1", "2", "3", "4"]), ("member", 2, ["3", "4"]), ("member", 3, ["4"])],
    ids=[
        "owner-from-the-start",
        "re-added-member-from-their-joining",
        "member-from-a-cleared-point",
    ],
)
def test_a_list_bounded_below_by_the_callers_joining_shows_what_they_joined_for(
    world: World, joined: dict[str, str], person: str, bound: int, expected: list[str]
) -> None:
    answer = list_messages(world, person, joined["joined"], "GREATER_THAN", bound)
    assert texts(answer) == expected


@pytest.mark.parametrize(
    ("op", "seq"),
    [
        (None, 0),
        ("GREATER_THAN", 1),
        ("GREATER_THAN_OR_EQUAL", 2),
        ("EQUAL", 2),
        ("GREATER_THAN", 0),
    ],
    ids=["unbounded", "above-1", "from-2", "exactly-2", "above-0"],
)
def test_a_list_reaching_below_the_callers_joining_is_refused(
    world: World, joined: dict[str, str], op: str | None, seq: int
) -> None:
    answer = list_messages(world, "member", joined["joined"], op, seq)
    assert answer.status_code == 403, answer.text


def test_a_get_of_a_message_sent_before_the_caller_joined_is_refused(
    world: World, joined: dict[str, str]
) -> None:
    statuses = [get_message(world, "member", joined["joined"], seq) for seq in range(1, 5)]
    assert statuses == [403, 403, 200, 200]
    assert [get_message(world, "owner", joined["joined"], seq) for seq in (1, 4)] == [200, 200]


def test_where_the_type_declares_history_all_a_member_reads_every_message(
    world: World, joined: dict[str, str]
) -> None:
    assert texts(list_messages(world, "member", joined["all"])) == ["1", "2", "3", "4"]
    assert get_message(world, "member", joined["all"], 1) == 200


@pytest.mark.parametrize("history", ["joined", "all"])
def test_a_removed_member_reads_nothing_not_even_what_was_sent_while_they_were_in(
    world: World, joined: dict[str, str], history: str
) -> None:
    assert get_message(world, "manager", joined[history], 1) == 403
    assert list_messages(world, "manager", joined[history], "GREATER_THAN", 0).status_code == 403


@pytest.mark.parametrize("person", ["tenant-admin", "platform-admin", "stranger"])
def test_no_admin_outside_the_conversation_reads_its_messages_whatever_the_history(
    world: World, joined: dict[str, str], person: str
) -> None:
    for path in joined.values():
        assert get_message(world, person, path, 4) == 403
        assert list_messages(world, person, path, "GREATER_THAN", 0).status_code == 403
