"""Temporary files that expire, and clones (a new receipt with a copied object), through the
real emulators."""

from __future__ import annotations

import pytest
import requests

from files import cleanup, public
from files import repositories as repos
from files.models.receipts import DeleteExpired, FileReceipt, FileStatus
from files.uploads import config
from shared.clients import storage_client
from shared.errors import NotFound
from shared.settings import get_settings
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually, functions_url
from tests.support.users import create_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def create_upload(user, **overrides) -> dict:
    payload = {"fileName": "p.png", "contentType": "image/png", "size": len(PNG)}
    return call("files_create_upload", payload | {"groupingId": "attachments"} | overrides, user)


def upload_ready(user, tenant_id: str, **overrides) -> FileReceipt:
    answer = create_upload(user, **overrides)
    put = requests.put(answer["uploadUrl"], data=PNG, headers=answer["uploadHeaders"], timeout=30)
    assert put.status_code == 200

    def ready() -> FileReceipt | None:
        found = repos.receipts(tenant_id).require(answer["fileId"])
        return found if found.status is FileStatus.READY else None

    return eventually(ready)


def usage(tenant_id: str) -> tuple[int, int]:
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def object_names(tenant_id: str) -> set[str]:
    bucket = get_settings().files_bucket
    return {
        str(b.name) for b in storage_client().list_blobs(bucket, prefix=f"content/{tenant_id}/")
    }


# -- temporary files ------------------------------------------------------------------------------
def test_a_temporary_upload_carries_its_expiry_and_is_deleted_once_when_due(tenant, tap_events):
    tap = tap_events("files-events")
    ready = upload_ready(tenant.member, tenant.id, expiresInSeconds=600)
    assert ready.expires_at is not None and ready.created_at is not None
    lifetime = (ready.expires_at - ready.created_at).total_seconds()
    assert lifetime == pytest.approx(600, abs=5)
    public.add_reference(tenant.id, ready.id, "test/holder")  # temporary means: held or not
    due = DeleteExpired(tenant_id=tenant.id, file_id=ready.id)

    assert cleanup.delete_expired(due) is False  # not yet
    assert cleanup.delete_expired(due, now=ready.expires_at) is True
    assert cleanup.delete_expired(due, now=ready.expires_at) is False  # a redelivery

    assert repos.receipts(tenant.id).get(ready.id) is None
    assert repos.references(tenant.id).get(ready.id) is None
    assert object_names(tenant.id) == set()
    assert usage(tenant.id) == (0, 0)
    tap.wait_for(lambda e: e.type == "files.deleted" and e.subject_id == ready.id)


def test_the_expiry_task_for_a_file_not_yet_due_changes_nothing(tenant):
    ready = upload_ready(tenant.member, tenant.id, expiresInSeconds=3600)
    payload = {"tenantId": tenant.id, "fileId": ready.id}
    answer = requests.post(functions_url("filesDeleteExpired"), json={"data": payload}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert repos.receipts(tenant.id).require(ready.id).status is FileStatus.READY


@pytest.mark.parametrize("seconds", [0, -1, 31 * 24 * 3600, "soon"])
def test_an_expiry_out_of_range_is_invalid_argument_naming_the_field(tenant, seconds):
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member, expiresInSeconds=seconds)
    assert (refused.value.status, refused.value.fields) == (
        "INVALID_ARGUMENT",
        ["expiresInSeconds"],
    )
    assert usage(tenant.id) == (0, 0)


# -- clones ---------------------------------------------------------------------------------------
def test_a_clone_is_a_ready_file_of_the_callers_own_with_the_same_bytes(tenant):
    source = upload_ready(tenant.member, tenant.id)
    other_member = create_user(tenant_id=tenant.id, roles=["member"])

    answer = call("files_clone", {"id": source.id, "token": source.token}, other_member)

    copy = repos.receipts(tenant.id).require(answer["fileId"])
    assert answer["receipt"]["status"] == "ready"
    assert answer["receipt"]["token"] == copy.token != source.token
    assert (copy.owner_id, copy.cloned_from, copy.size) == (other_member.uid, source.id, len(PNG))
    assert copy.object_path != source.object_path
    assert usage(tenant.id) == (2 * len(PNG), 2)
    urls = call(
        "files_get_download_urls",
        {"receipts": [{"id": copy.id, "token": copy.token}]},
        other_member,
    )
    assert requests.get(urls["urls"][copy.id], timeout=30).content == PNG


def test_the_server_api_clones_into_another_grouping(tenant):
    source = upload_ready(tenant.member, tenant.id)
    view = public.clone(tenant.id, source.id, "service-owner", grouping_id="avatars")
    copy = repos.receipts(tenant.id).require(view.id)
    assert (copy.grouping_id, copy.public, copy.status) == ("avatars", True, FileStatus.READY)
    assert copy.object_path.startswith(f"assets/{tenant.id}/avatars/{copy.id}/")


def test_a_clone_is_refused_for_a_wrong_token_a_foreign_or_unready_file(tenant, other_tenant):
    source = upload_ready(tenant.member, tenant.id)
    theirs = upload_ready(other_tenant.member, other_tenant.id)
    pending = create_upload(tenant.member)
    cases = [
        ({"id": source.id, "token": "guess"}, "NOT_FOUND"),
        ({"id": theirs.id, "token": theirs.token}, "NOT_FOUND"),
        ({"id": pending["fileId"], "token": pending["receipt"]["token"]}, "FAILED_PRECONDITION"),
    ]
    for payload, status in cases:
        with pytest.raises(CallableError) as refused:
            call("files_clone", payload, tenant.member)
        assert refused.value.status == status
    with pytest.raises(NotFound):
        public.clone(tenant.id, theirs.id, "x")
    assert usage(tenant.id) == (2 * len(PNG), 2)  # the ready source and the pending upload


def test_a_clone_into_a_grouping_that_refuses_the_type_names_the_grouping(tenant):
    source = upload_ready(tenant.member, tenant.id)
    pdf_only = {"id": source.id, "token": source.token, "groupingId": "nope"}
    with pytest.raises(CallableError) as refused:
        call("files_clone", pdf_only, tenant.member)
    assert (refused.value.status, refused.value.fields) == ("INVALID_ARGUMENT", ["groupingId"])


def test_a_clone_over_the_quota_is_resource_exhausted_and_leaves_no_copy(tenant):
    source = upload_ready(tenant.member, tenant.id)
    admin = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    call("files_set_tenant_quota", {"tenantId": tenant.id, "files": 1}, admin)
    with pytest.raises(CallableError) as refused:
        call("files_clone", {"id": source.id, "token": source.token}, tenant.member)
    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert object_names(tenant.id) == {source.object_path}
    assert usage(tenant.id) == (len(PNG), 1)


# -- resumable uploads ----------------------------------------------------------------------------
def test_an_upload_above_the_threshold_gets_a_resumable_session_that_takes_chunks(tenant):
    size = config().resumable_above_bytes + 1024 * 1024
    body = b"%PDF-1.7\n" + b"0" * (size - 9)
    payload = {"fileName": "big.pdf", "contentType": "application/pdf", "size": size}
    answer = call("files_create_upload", payload | {"groupingId": "attachments"}, tenant.member)
    assert answer["resumable"] is True
    assert "upload_id=" in answer["uploadUrl"]

    half = 4 * 1024 * 1024  # chunks are multiples of 256 KiB
    for start, end in ((0, half), (half, size)):
        chunk = requests.put(
            answer["uploadUrl"],
            data=body[start:end],
            headers={**answer["uploadHeaders"], "Content-Range": f"bytes {start}-{end - 1}/{size}"},
            timeout=60,
        )
        assert chunk.status_code == (308 if end < size else 200), chunk.text

    def ready() -> FileReceipt | None:
        found = repos.receipts(tenant.id).require(answer["fileId"])
        return found if found.status is FileStatus.READY else None

    assert eventually(ready).size == size
    assert usage(tenant.id) == (size, 1)


def test_an_upload_at_the_threshold_still_gets_a_signed_put(tenant):
    payload = {"fileName": "p.pdf", "contentType": "application/pdf"}
    answer = call(
        "files_create_upload",
        payload | {"size": config().resumable_above_bytes, "groupingId": "attachments"},
        tenant.member,
    )
    assert (answer["resumable"], answer["uploadMethod"]) == (False, "PUT")
    assert "X-Goog-Signature=" in answer["uploadUrl"]
