"""The messaging service: a conversation and its messages are read by its current participants
inside the tenant only (the seeded one's are the owner and a deactivated admin, who reads
nothing); ``unreadTotals/{uid}`` and ``messagingBlocks/{uid}`` by their user; ``messageFlags``
by the tenant's admins; ``messagingRates`` by nobody. No client writes any of it."""

from __future__ import annotations

import pytest
import requests
from rules_client import Op, documents_url, encode
from rules_tables import ALLOW, CASE, DENY, access_table, check_access, everyone_denied
from rules_world import World

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
MESSAGE = access_table(
    "message",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (ALLOW, ALLOW, DENY,  DENY,  DENY),
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
