"""The files service: ``tenants/{tenantId}/files/{fileId}`` (receipts) is read by its uploader
alone (inside the tenant, with a role): a receipt holds the token that gets the file signed, and
names a file its uploader may have sent privately, so neither the tenant's admins nor platform
admins read it (managing users is not reading what they did not share). The quota totals
(``fileUsage``), the pending allowances (``filePending``), the cached signed URLs
(``fileUrls``) and the references (``fileRefs``) are read by no client; nothing is written by
any client."""

from __future__ import annotations

import pytest
import requests
from rules_client import Op, documents_url, encode
from rules_tables import ALLOW, CASE, DENY, access_table, check_access, everyone_denied
from rules_world import World

# The seeded receipt is the owner's. The owner may get it; an unfiltered list could return other
# users' receipts, so it is refused ("owner-elsewhere": the owner's uid, another tenant's token);
# the list pinned to `ownerId == uid` is below. "deactivated" (a tenant admin whose profile says
# disabled) reads nothing.
RECEIPT = access_table(
    "file-receipt",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roles-not-a-list":       (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (ALLOW, DENY,  DENY,  DENY,  DENY),
        "owner-elsewhere":        (DENY,  DENY,  DENY,  DENY,  DENY),
        "deactivated":            (DENY,  DENY,  DENY,  DENY,  DENY),
        "manager":                (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-admin":         (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-role":          (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-admin-string":  (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip
SERVER_ONLY = (
    everyone_denied("file-usage") + everyone_denied("file-url-cache") + everyone_denied("file-refs")
)


@pytest.mark.parametrize(CASE, RECEIPT)
def test_a_receipt_and_its_token_are_read_by_its_uploader_alone_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, SERVER_ONLY)
def test_quota_totals_cached_urls_and_references_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


def owners_list(world: World, person: str, uid: str) -> requests.Response:
    """The receipts query an uploader's app runs: pinned to ``ownerId == uid``."""
    target = world.targets["file-receipt"]
    query = {
        "structuredQuery": {
            "from": [{"collectionId": target.collection_id}],
            "where": {
                "fieldFilter": {
                    "field": {"fieldPath": "ownerId"},
                    "op": "EQUAL",
                    "value": encode(uid),
                }
            },
        }
    }
    url = f"{documents_url(target.parent)}:runQuery"
    return requests.post(url, json=query, headers=world.callers[person].headers, timeout=30)


def test_the_uploaders_list_pinned_to_their_own_uid_is_allowed_and_shows_their_receipt(
    world: World,
) -> None:
    uid = world.callers["owner"].uid
    assert uid is not None
    answer = owners_list(world, "owner", uid)
    assert answer.status_code == 200, answer.text
    names = [row["document"]["name"] for row in answer.json() if "document" in row]
    assert any(name.endswith(world.targets["file-receipt"].path) for name in names), names


@pytest.mark.parametrize(
    "person", ["member", "owner-elsewhere", "deactivated", "tenant-admin", "platform-admin"]
)
def test_a_list_pinned_to_the_uploaders_uid_is_refused_to_anyone_else(
    world: World, person: str
) -> None:
    owner = world.callers["owner"].uid
    assert owner is not None
    answer = owners_list(world, person, owner)
    assert answer.status_code == 403, answer.text
