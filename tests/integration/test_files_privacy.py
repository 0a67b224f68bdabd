"""The files service against the abuses of issue 20, through the Functions emulator: a token
that only its uploader reads and that no path or URL shows, files held privately signed only
for their uploader (the holder's service signs them for whom it lets read), a member who cannot
hold the tenant's quota with empty uploads, nor publish a private upload. Each test names the
abuse it refuses (see the threat model in functions/files/README.md)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from files import public
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus
from files.uploads import config
from shared.clients import storage_client
from shared.settings import get_settings
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.users import create_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PARALLEL = 30


def create_upload(user, **overrides) -> dict:
    payload = {
        "fileName": "photo.png",
        "contentType": "image/png",
        "size": len(PNG),
        "groupingId": "attachments",
        **overrides,
    }
    return call("files_create_upload", payload, user)


def upload_ready(tenant_id: str, user) -> FileReceipt:
    answer = create_upload(user)
    put = requests.put(answer["uploadUrl"], data=PNG, headers=answer["uploadHeaders"], timeout=30)
    assert put.status_code == 200

    def ready() -> FileReceipt | None:
        found = repos.receipts(tenant_id).require(answer["fileId"])
        return found if found.status is FileStatus.READY else None

    return eventually(ready, timeout=30)


def download(user, receipt: FileReceipt, token: str | None = None) -> dict:
    refs = {"receipts": [{"id": receipt.id, "token": token or receipt.token}]}
    return call("files_get_download_urls", refs, user)


def pending_of(tenant_id: str, uid: str) -> tuple[int, int]:
    found = repos.pending_uploads(tenant_id).get(uid)
    return (found.bytes, found.files) if found else (0, 0)


# -- item 9: the token is in no object path and no URL ------------------------------------------
def test_neither_an_object_path_nor_a_signed_url_shows_the_receipts_token(tenant):
    answer = create_upload(tenant.member)
    token = answer["receipt"]["token"]
    assert token not in answer["uploadUrl"]
    ready = upload_ready(tenant.id, tenant.member)
    assert ready.token not in ready.object_path
    url = download(tenant.member, ready)["urls"][ready.id]
    assert ready.token not in url
    assert requests.get(url, timeout=30).content == PNG


def test_the_migration_retires_the_token_an_older_object_path_shows_and_the_file_still_downloads(
    tenant,
):
    from files.migrations import m0001_rotate_tokens_out_of_paths as migration

    ready = upload_ready(tenant.id, tenant.member)
    old_token = ready.token
    legacy = f"content/{tenant.id}/attachments/{ready.id}/{old_token}/photo.png"
    bucket = storage_client().bucket(get_settings().files_bucket)
    bucket.copy_blob(bucket.blob(ready.object_path), bucket, legacy)
    repos.receipts(tenant.id).update(ready.id, {"object_path": legacy})  # as made before
    assert migration.apply() >= 1
    rotated = repos.receipts(tenant.id).require(ready.id)
    assert rotated.token != old_token and rotated.object_path == legacy
    stale = download(tenant.member, rotated, token=old_token)
    assert stale["errors"][ready.id]["code"] == "invalid-token"
    url = download(tenant.member, rotated)["urls"][ready.id]
    assert requests.get(url, timeout=30).content == PNG
    assert migration.rotate(tenant.id, ready.id) is False  # a second run changes nothing


# -- item 5: a file a private holder keeps is signed for its uploader alone ---------------------
def test_a_token_bearer_other_than_the_uploader_gets_no_url_for_a_file_a_message_holds(tenant):
    ready = upload_ready(tenant.id, tenant.member)
    public.add_reference(tenant.id, ready.id, "messaging/c1/m1", token=ready.token)
    # The admin holds the token (read through the rules before the fix): no URL for it.
    refused = download(tenant.admin, ready)
    assert refused["urls"] == {}
    assert refused["errors"][ready.id]["code"] == "held-privately"
    assert ready.id in download(tenant.member, ready)["urls"]  # the uploader still gets it


def test_a_token_bearer_other_than_the_uploader_cannot_copy_a_file_a_message_holds(tenant):
    ready = upload_ready(tenant.id, tenant.member)
    public.add_reference(tenant.id, ready.id, "messaging/c1/m1", token=ready.token)
    with pytest.raises(CallableError) as refused:  # a copy of their own would be signed
        call("files_clone", {"id": ready.id, "token": ready.token}, tenant.admin)
    assert (refused.value.status, refused.value.details["type"]) == (
        "PERMISSION_DENIED",
        "files/held-privately",
    )
    assert repos.receipts(tenant.id).count() == 1
    copy = call("files_clone", {"id": ready.id, "token": ready.token}, tenant.member)
    assert copy["receipt"]["ownerId"] == tenant.member.uid  # the uploader still copies it


def test_a_holder_kind_that_declares_nothing_holds_its_files_privately_too(tenant):
    ready = upload_ready(tenant.id, tenant.member)
    colleague = create_user(tenant_id=tenant.id, roles=["member"])
    assert ready.id in download(colleague, ready)["urls"]  # unheld: the token is shared at will
    public.add_reference(tenant.id, ready.id, "someproduct/doc1", token=ready.token)
    assert config().holder_access("someproduct/doc1").value == "private"
    assert download(colleague, ready)["errors"][ready.id]["code"] == "held-privately"


def test_a_holders_service_gets_urls_only_for_files_that_holder_holds(tenant):
    held, other = upload_ready(tenant.id, tenant.member), upload_ready(tenant.id, tenant.member)
    public.add_reference(tenant.id, held.id, "messaging/c1/m1", token=held.token)
    public.add_reference(tenant.id, other.id, "messaging/c1/m2", token=other.token)
    signed = public.holder_download_urls(tenant.id, "messaging/c1/m1", [held.id, other.id, "x"])
    assert list(signed.urls) == [held.id]
    assert requests.get(signed.urls[held.id], timeout=30).content == PNG
    assert {k: e.code for k, e in signed.errors.items()} == {
        other.id: "not-found",
        "x": "not-found",
    }


# -- item 10: one member cannot hold the tenant's quota with uploads that never arrive ----------
def test_thirty_parallel_uploads_by_one_member_stop_at_their_pending_limit_exactly(tenant):
    limit = config().pending_per_user

    def one(_: int) -> dict | CallableError:
        try:
            return create_upload(tenant.member)
        except CallableError as error:
            return error

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(one, range(PARALLEL)))
    created = [a for a in answers if isinstance(a, dict)]
    statuses = Counter(a.status for a in answers if isinstance(a, CallableError))
    assert len(created) <= limit.files  # never past the limit
    assert set(statuses) <= {"RESOURCE_EXHAUSTED", "ABORTED"}  # contention: aborted, retryable
    assert pending_of(tenant.id, tenant.member.uid) == (len(created) * len(PNG), len(created))
    # The calls contention turned away, made again one by one, stop exactly at the limit.
    for _ in range(limit.files - len(created)):
        created.append(create_upload(tenant.member))
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member)
    assert (refused.value.status, refused.value.details["type"]) == (
        "RESOURCE_EXHAUSTED",
        "files/pending-limit",
    )
    assert pending_of(tenant.id, tenant.member.uid) == (limit.files * len(PNG), limit.files)
    assert repos.receipts(tenant.id).count() == limit.files
    assert create_upload(tenant.admin)["receipt"]["status"] == "pending"  # others still upload


def test_an_upload_that_arrives_gives_its_uploaders_pending_allowance_back(tenant):
    upload_ready(tenant.id, tenant.member)
    assert pending_of(tenant.id, tenant.member.uid) == (0, 0)


# -- item 15: a private upload cannot be made public --------------------------------------------
@pytest.mark.parametrize("grouping", ["attachments", "reviewed"])
def test_a_member_cannot_make_a_private_groupings_upload_public(tenant, grouping):
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member, groupingId=grouping, public=True)
    assert (refused.value.status, refused.value.fields) == ("INVALID_ARGUMENT", ["public"])
    assert repos.receipts(tenant.id).count() == 0
