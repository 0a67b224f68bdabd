"""The scan hook through the real stack: a grouping whose hook holds (``reviewed``: ``hold``)
keeps a landed file ``scanning`` until a verdict settles it."""

from __future__ import annotations

import json

import pytest
import requests

from files import public
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus
from shared.clients import publisher, storage_client
from shared.errors import NotFound
from shared.settings import get_settings
from tests.support.callables import call
from tests.support.emulators import eventually

PDF = b"%PDF-1.7\n" + b"x" * 64


def held_upload(tenant) -> FileReceipt:
    payload = {"fileName": "r.pdf", "contentType": "application/pdf", "size": len(PDF)}
    answer = call("files_create_upload", payload | {"groupingId": "reviewed"}, tenant.member)
    put = requests.put(answer["uploadUrl"], data=PDF, headers=answer["uploadHeaders"], timeout=30)
    assert put.status_code == 200

    def scanning() -> FileReceipt | None:
        found = repos.receipts(tenant.id).require(answer["fileId"])
        return found if found.status is FileStatus.SCANNING else None

    return eventually(scanning)


def usage(tenant_id: str) -> tuple[int, int]:
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def download(tenant, receipt: FileReceipt) -> dict:
    refs = {"receipts": [{"id": receipt.id, "token": receipt.token}]}
    return call("files_get_download_urls", refs, tenant.member)


def redeliver_finalize(object_name: str) -> None:
    settings = get_settings()
    topic = publisher().topic_path(settings.project_id, "storage-events")
    body = json.dumps({"name": object_name, "bucket": settings.files_bucket}).encode()
    attributes = {"eventType": "OBJECT_FINALIZE", "objectId": object_name}
    publisher().publish(topic, body, bucketId=settings.files_bucket, **attributes).result(30)


def test_a_held_file_is_scanning_not_downloadable_and_counted_at_its_real_size(tenant):
    held = held_upload(tenant)
    assert held.size == len(PDF)
    assert download(tenant, held)["errors"][held.id]["code"] == "not-ready"
    assert usage(tenant.id) == (len(PDF), 1)


def test_clearing_a_held_file_makes_it_ready_and_announces_it_once(tenant, tap_events):
    tap = tap_events("files-events")
    held = held_upload(tenant)
    redeliver_finalize(held.object_path)  # a redelivery while held changes nothing

    view = public.settle_scan(tenant.id, held.id, clear=True)
    again = public.settle_scan(tenant.id, held.id, clear=False)  # a late, contrary verdict

    assert view.status is again.status is FileStatus.READY
    tap.wait_for(lambda e: e.type == "files.uploaded" and e.subject_id == held.id)
    got = requests.get(download(tenant, held)["urls"][held.id], timeout=30)
    assert got.content == PDF
    assert usage(tenant.id) == (len(PDF), 1)


def test_rejecting_a_held_file_deletes_its_object_and_releases_its_usage(tenant, tap_events):
    tap = tap_events("files-events")
    held = held_upload(tenant)

    view = public.settle_scan(tenant.id, held.id, clear=False, reason="malware")

    assert (view.status, view.reason) == (FileStatus.REJECTED, "malware")
    bucket = storage_client().bucket(get_settings().files_bucket)
    assert bucket.get_blob(held.object_path) is None
    assert usage(tenant.id) == (0, 0)
    tap.wait_for(lambda e: e.type == "files.rejected" and e.subject_id == held.id)


def test_a_verdict_on_an_unknown_file_is_not_found(tenant):
    with pytest.raises(NotFound):
        public.settle_scan(tenant.id, "missing", clear=True)
