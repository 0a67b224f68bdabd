"""The files service through the real emulators: uploads to the GCS emulator with the signed
URL, the storage notifications that settle receipts, and signed downloads.

The emulators never redeliver, so a second delivery of a notification is published here.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
import requests

from files import cleanup, public
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus, TenantUsage
from files.uploads import config
from shared.clients import publisher, storage_client
from shared.errors import NotFound
from shared.settings import get_settings
from shared.unit_of_work import in_transaction
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually, functions_url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def create_upload(user, **overrides):
    payload = {
        "fileName": "photo.png",
        "contentType": "image/png",
        "size": len(PNG),
        "groupingId": "attachments",
        **overrides,
    }
    return call("files_create_upload", payload, user)


def put(answer, body: bytes) -> requests.Response:
    return requests.put(answer["uploadUrl"], data=body, headers=answer["uploadHeaders"], timeout=30)


def receipt(tenant_id: str, file_id: str) -> FileReceipt:
    return repos.receipts(tenant_id).require(file_id)


def settled(tenant_id: str, file_id: str, status: FileStatus) -> FileReceipt:
    def reached() -> FileReceipt | None:
        found = receipt(tenant_id, file_id)
        return found if found.status is status else None

    return eventually(reached, timeout=30)


def usage(tenant_id: str) -> tuple[int, int]:
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def notify(event_type: str, object_name: str) -> None:
    """Publish a storage notification as GCS does (a redelivery, for the idempotency tests)."""
    settings = get_settings()
    topic = publisher().topic_path(settings.project_id, "storage-events")
    attributes = {
        "eventType": event_type,
        "objectId": object_name,
        "bucketId": settings.files_bucket,
        "payloadFormat": "JSON_API_V1",
    }
    body = json.dumps({"name": object_name, "bucket": settings.files_bucket}).encode()
    publisher().publish(topic, body, **attributes).result(timeout=30)


def upload_ready(tenant) -> tuple[dict, FileReceipt]:
    answer = create_upload(tenant.member)
    assert put(answer, PNG).status_code == 200
    return answer, settled(tenant.id, answer["fileId"], FileStatus.READY)


# -- files_create_upload --------------------------------------------------------------------------
def test_an_upload_creates_a_pending_receipt_reserves_quota_and_signs_the_put(tenant):
    answer = create_upload(tenant.member)
    stored = receipt(tenant.id, answer["fileId"])
    assert answer["receipt"]["id"] == answer["fileId"] == stored.id
    assert answer["receipt"]["status"] == "pending"
    assert answer["receipt"]["token"] == stored.token
    assert stored.owner_id == tenant.member.uid
    assert stored.object_path == f"content/{tenant.id}/attachments/{stored.id}/photo.png"
    assert answer["uploadHeaders"] == {
        "Content-Type": "image/png",
        "x-goog-content-length-range": f"0,{len(PNG)}",
        "x-goog-if-generation-match": "0",
    }
    assert "X-Goog-Signature=" in answer["uploadUrl"]
    signed = answer["uploadUrl"].split("X-Goog-SignedHeaders=", 1)[1].split("&", 1)[0]
    assert (
        signed == "content-type%3Bhost%3Bx-goog-content-length-range%3Bx-goog-if-generation-match"
    )
    assert usage(tenant.id) == (len(PNG), 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contentType": "application/x-msdownload"}, "contentType"),
        ({"size": 0}, "size"),
        ({"size": -5}, "size"),
        ({"size": 26214401}, "size"),
        ({"fileName": "../etc/passwd"}, "fileName"),
        ({"fileName": "a\\b.png"}, "fileName"),
        ({"fileName": "bad\nname.png"}, "fileName"),
        ({"fileName": ""}, "fileName"),
        ({"groupingId": "nope"}, "groupingId"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field_and_writes_nothing(
    tenant, overrides, field
):
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member, **overrides)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert refused.value.fields == [field]
    assert repos.receipts(tenant.id).count() == 0
    assert usage(tenant.id) == (0, 0)


def test_an_upload_over_the_tenants_quota_is_resource_exhausted_and_writes_nothing(tenant):
    quota = config().quota.bytes
    repos.usage(tenant.id).set(TenantUsage(id=repos.USAGE_DOC, bytes=quota - 10, files=3))
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member, size=11)
    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert refused.value.details["type"] == "files/quota-exceeded"
    assert repos.receipts(tenant.id).count() == 0
    assert usage(tenant.id) == (quota - 10, 3)
    create_upload(tenant.member, size=10)  # exactly up to the quota is fine
    assert usage(tenant.id) == (quota, 4)


def test_a_signed_out_caller_is_unauthenticated():
    with pytest.raises(CallableError) as refused:
        call("files_create_upload", {"fileName": "a.png"}, None)
    assert refused.value.status == "UNAUTHENTICATED"


# -- storage notifications ------------------------------------------------------------------------
def test_bytes_put_to_the_upload_url_turn_the_receipt_ready_and_emit_uploaded(tenant, tap_events):
    tap = tap_events("files-events")
    _, ready = upload_ready(tenant)
    assert ready.size == len(PNG)
    assert ready.md5_hash == base64.b64encode(hashlib.md5(PNG).digest()).decode()
    assert ready.stored_content_type == "image/png"
    assert usage(tenant.id) == (len(PNG), 1)
    event = tap.wait_for(lambda e: e.type == "files.uploaded" and e.subject_id == ready.id)
    assert event.tenant_id == tenant.id
    assert event.data["size"] == len(PNG)


def test_a_body_put_again_over_a_ready_file_is_refused_or_checked_again(tenant):
    answer, ready = upload_ready(tenant)
    second = put(answer, b"not a png at all")
    if second.status_code == 412:  # Cloud Storage: the signed if-generation-match refuses it
        assert receipt(tenant.id, ready.id).status is FileStatus.READY
        return
    # The GCS emulator ignores the precondition: the new generation is checked like the first.
    assert second.status_code == 200
    rejected = settled(tenant.id, ready.id, FileStatus.REJECTED)
    assert rejected.reason == "content-does-not-match-type"
    bucket = storage_client().bucket(get_settings().files_bucket)
    eventually(lambda: bucket.get_blob(rejected.object_path) is None)
    assert usage(tenant.id) == (0, 0)


def test_a_body_whose_magic_bytes_do_not_match_is_rejected_and_deleted(tenant, tap_events):
    tap = tap_events("files-events")
    body = b"MZ" + b"\x90" * 40  # an executable declared as a PNG
    answer = create_upload(tenant.member, size=len(body))
    assert put(answer, body).status_code == 200
    rejected = settled(tenant.id, answer["fileId"], FileStatus.REJECTED)
    assert rejected.reason == "content-does-not-match-type"
    bucket = storage_client().bucket(get_settings().files_bucket)
    eventually(lambda: bucket.get_blob(rejected.object_path) is None)
    assert usage(tenant.id) == (0, 0)
    tap.wait_for(lambda e: e.type == "files.rejected" and e.subject_id == rejected.id)


def test_a_body_larger_than_declared_is_rejected(tenant):
    answer = create_upload(tenant.member, size=len(PNG) - 10)
    response = put(answer, PNG)
    if response.status_code == 200:  # the emulator does not enforce the signed length range
        rejected = settled(tenant.id, answer["fileId"], FileStatus.REJECTED)
        assert rejected.reason == "larger-than-declared"
    else:  # Cloud Storage refuses it at the door: nothing lands, the receipt stays pending
        assert response.status_code == 400
    assert usage(tenant.id) == (0, 0) or receipt(tenant.id, answer["fileId"]).status == "pending"


def test_a_finalize_notification_delivered_twice_changes_nothing(tenant, tap_events):
    _, ready = upload_ready(tenant)
    tap = tap_events("files-events")
    notify("OBJECT_FINALIZE", ready.object_path)
    tap.wait_for(lambda e: e.type == "files.uploaded" and e.subject_id == ready.id)
    again = receipt(tenant.id, ready.id)
    assert (again.updated_at, again.status, again.size) == (
        ready.updated_at,
        ready.status,
        ready.size,
    )
    assert usage(tenant.id) == (len(PNG), 1)


def test_deleting_the_object_marks_the_receipt_deleted_once(tenant, tap_events):
    tap = tap_events("files-events")
    _, ready = upload_ready(tenant)
    storage_client().bucket(get_settings().files_bucket).blob(ready.object_path).delete()
    deleted = settled(tenant.id, ready.id, FileStatus.DELETED)
    assert usage(tenant.id) == (0, 0)
    tap.wait_for(lambda e: e.type == "files.deleted" and e.subject_id == ready.id)

    notify("OBJECT_DELETE", ready.object_path)  # a redelivery
    tap.collect(2)
    assert [e.type for e in tap.seen].count("files.deleted") >= 1
    assert receipt(tenant.id, ready.id).updated_at == deleted.updated_at
    assert usage(tenant.id) == (0, 0)


# -- files_get_download_urls ----------------------------------------------------------------------
def test_a_download_url_serves_the_uploaded_bytes_and_is_reused_while_fresh(tenant):
    _, ready = upload_ready(tenant)
    refs = {"receipts": [{"id": ready.id, "token": ready.token}]}
    first = call("files_get_download_urls", refs, tenant.member)
    assert first["errors"] == {}
    got = requests.get(first["urls"][ready.id], timeout=30)
    assert (got.status_code, got.content) == (200, PNG)
    second = call("files_get_download_urls", refs, tenant.member)
    assert (first["signed"], second["signed"]) == (1, 0)
    assert second["urls"] == first["urls"]


def test_download_errors_are_per_file_and_never_fail_the_batch(tenant, other_tenant):
    _, mine = upload_ready(tenant)
    _, theirs = upload_ready(other_tenant)
    pending = create_upload(tenant.member)["receipt"]
    refs = [
        {"id": mine.id, "token": mine.token},
        {"id": mine.id + "x", "token": mine.token},
        {"id": theirs.id, "token": theirs.token},
        {"id": pending["id"], "token": pending["token"]},
    ]
    wrong_token = {"id": mine.id, "token": "guess"}
    answer = call("files_get_download_urls", {"receipts": refs}, tenant.member)
    assert set(answer["urls"]) == {mine.id}
    assert {k: v["code"] for k, v in answer["errors"].items()} == {
        mine.id + "x": "not-found",
        theirs.id: "not-found",
        pending["id"]: "not-ready",
    }
    refused = call("files_get_download_urls", {"receipts": [wrong_token]}, tenant.member)
    assert (refused["urls"], refused["errors"][mine.id]["code"]) == ({}, "invalid-token")


def test_an_empty_download_batch_is_invalid_argument(tenant):
    with pytest.raises(CallableError) as refused:
        call("files_get_download_urls", {"receipts": []}, tenant.member)
    assert (refused.value.status, refused.value.fields) == ("INVALID_ARGUMENT", ["receipts"])


# -- references and cleanup -----------------------------------------------------------------------
def run_delete_task(tenant_id: str, file_id: str) -> None:
    payload = {"tenantId": tenant_id, "fileId": file_id}
    answer = requests.post(
        functions_url("filesDeleteUnreferenced"), json={"data": payload}, timeout=30
    )
    assert answer.status_code == 200, answer.text


def test_the_last_holder_letting_go_schedules_the_deletion(tenant):
    _, ready = upload_ready(tenant)
    view = public.add_reference(tenant.id, ready.id, "test/a", token=ready.token)
    assert (view.id, view.status, view.token) == (ready.id, FileStatus.READY, None)
    in_transaction(lambda uow: public.add_reference(tenant.id, ready.id, "test/b", uow=uow))
    public.remove_reference(tenant.id, ready.id, "test/a")
    refs = repos.references(tenant.id)
    assert refs.require(ready.id).holders == ["test/b"]
    in_transaction(lambda uow: public.remove_reference(tenant.id, ready.id, "test/b", uow=uow))

    def scheduled_or_ran() -> str | None:
        found = refs.get(ready.id)
        # The Cloud Tasks emulator ignores schedule times: the task may already have run.
        return "ran" if found is None else found.deletion_task_id

    scheduled = eventually(scheduled_or_ran)
    if scheduled == "ran":
        assert repos.receipts(tenant.id).get(ready.id) is None
    else:
        assert scheduled.startswith("files-delete-")


def test_the_deletion_task_removes_object_receipt_cache_and_usage_once(tenant, tap_events):
    tap = tap_events("files-events")
    _, ready = upload_ready(tenant)
    refs = {"receipts": [{"id": ready.id, "token": ready.token}]}
    call("files_get_download_urls", refs, tenant.member)
    assert repos.url_cache(tenant.id).get(ready.id) is not None
    public.add_reference(tenant.id, ready.id, "test/a")
    public.remove_reference(tenant.id, ready.id, "test/a")

    run_delete_task(tenant.id, ready.id)
    run_delete_task(tenant.id, ready.id)  # a redelivery
    assert repos.receipts(tenant.id).get(ready.id) is None
    assert repos.url_cache(tenant.id).get(ready.id) is None
    assert repos.references(tenant.id).get(ready.id) is None
    assert storage_client().bucket(get_settings().files_bucket).get_blob(ready.object_path) is None
    assert usage(tenant.id) == (0, 0)
    tap.wait_for(lambda e: e.type == "files.deleted" and e.subject_id == ready.id)
    answer = call("files_get_download_urls", refs, tenant.member)
    assert answer["errors"][ready.id]["code"] == "not-found"


def test_a_file_referenced_again_before_the_task_fires_is_kept(tenant):
    _, ready = upload_ready(tenant)
    public.add_reference(tenant.id, ready.id, "test/a")
    public.remove_reference(tenant.id, ready.id, "test/a")
    public.add_reference(tenant.id, ready.id, "test/b")
    run_delete_task(tenant.id, ready.id)
    assert receipt(tenant.id, ready.id).status is FileStatus.READY
    assert usage(tenant.id) == (len(PNG), 1)


def test_a_reference_to_an_unknown_foreign_or_wrongly_tokened_file_is_refused(tenant, other_tenant):
    _, theirs = upload_ready(other_tenant)
    for file_id, token in ((theirs.id, theirs.token), ("missing", None), (theirs.id, "guess")):
        with pytest.raises(NotFound):
            public.add_reference(tenant.id, file_id, "test/a", token=token)
    with pytest.raises(NotFound):
        public.add_reference(other_tenant.id, theirs.id, "test/a", token="guess")
    assert repos.references(tenant.id).get(theirs.id) is None


def test_an_upload_that_never_arrives_expires_once_and_releases_its_reservation(tenant, tap_events):
    tap = tap_events("files-events")
    pending = receipt(tenant.id, create_upload(tenant.member)["fileId"])
    fresh = create_upload(tenant.member)["fileId"]
    assert usage(tenant.id) == (2 * len(PNG), 2)
    assert pending.created_at is not None
    later = pending.created_at + timedelta(minutes=config().pending_minutes)
    assert cleanup.expire_stale_uploads(now=later) >= 1
    assert cleanup.expire_stale_uploads(now=later) == 0
    expired = receipt(tenant.id, pending.id)
    assert (expired.status, expired.reason) == (FileStatus.REJECTED, "upload-expired")
    assert receipt(tenant.id, fresh).status is FileStatus.PENDING
    assert usage(tenant.id) == (len(PNG), 1)
    tap.wait_for(lambda e: e.type == "files.rejected" and e.subject_id == pending.id)
