"""Thumbnails through the real stack: made once for a ready image, ignored by the consumer that
made them, unchanged by redelivered notifications, and deleted with their file."""

from __future__ import annotations

import io
import json

import requests
from PIL import Image

from files import public, thumbnails
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus
from shared.clients import publisher, storage_client
from shared.settings import get_settings
from tests.support.callables import call
from tests.support.emulators import eventually, functions_url


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 600), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def bucket():
    return storage_client().bucket(get_settings().files_bucket)


def notify(object_name: str, event_type: str = "OBJECT_FINALIZE") -> None:
    settings = get_settings()
    topic = publisher().topic_path(settings.project_id, "storage-events")
    body = json.dumps({"name": object_name, "bucket": settings.files_bucket}).encode()
    publisher().publish(
        topic, body, eventType=event_type, objectId=object_name, bucketId=settings.files_bucket
    ).result(30)


def ready_photo(tenant) -> tuple[FileReceipt, str]:
    body = photo()
    payload = {"fileName": "p.jpg", "contentType": "image/jpeg", "size": len(body)}
    answer = call("files_create_upload", payload | {"groupingId": "attachments"}, tenant.member)
    put = requests.put(answer["uploadUrl"], data=body, headers=answer["uploadHeaders"], timeout=30)
    assert put.status_code == 200

    def ready() -> FileReceipt | None:
        found = repos.receipts(tenant.id).require(answer["fileId"])
        return found if found.status is FileStatus.READY else None

    receipt = eventually(ready)
    path = thumbnails.thumbnail_path(receipt)
    assert path is not None
    eventually(lambda: bucket().get_blob(path))
    return receipt, path


def thumbnail_objects(tenant_id: str) -> dict[str, int]:
    blobs = storage_client().list_blobs(
        get_settings().files_bucket, prefix=f"thumbnails/{tenant_id}/"
    )
    return {str(b.name): int(b.generation) for b in blobs}


def test_a_ready_image_gets_one_small_thumbnail_under_the_ignored_prefix(tenant):
    _, path = ready_photo(tenant)
    thumb = Image.open(io.BytesIO(bucket().blob(path).download_as_bytes()))
    assert (thumb.format, thumb.size) == ("WEBP", (256, 128))
    assert list(thumbnail_objects(tenant.id)) == [path]


def test_redelivered_notifications_of_the_file_and_its_thumbnail_change_nothing(tenant, tap_events):
    receipt, path = ready_photo(tenant)
    before = thumbnail_objects(tenant.id)
    tap = tap_events("files-events")

    notify(path)  # the consumer's own output, as the bucket announces it
    notify(receipt.object_path)  # the image itself, delivered again
    tap.wait_for(lambda e: e.type == "files.uploaded" and e.subject_id == receipt.id)

    assert thumbnail_objects(tenant.id) == before
    again = repos.receipts(tenant.id).require(receipt.id)
    assert (again.updated_at, again.status) == (receipt.updated_at, FileStatus.READY)


def test_deleting_the_file_deletes_its_thumbnail(tenant):
    receipt, path = ready_photo(tenant)
    public.add_reference(tenant.id, receipt.id, "test/a")
    public.remove_reference(tenant.id, receipt.id, "test/a")
    payload = {"tenantId": tenant.id, "fileId": receipt.id}
    answer = requests.post(
        functions_url("filesDeleteUnreferenced"), json={"data": payload}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert bucket().get_blob(path) is None
    assert thumbnail_objects(tenant.id) == {}
