"""The files service's orchestration around its units of work (the hourly expiry, clones, the
references trigger) on the in-memory unit and bucket: what happens to objects and receipts when
a step fails or a body turns up late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from files import cleanup, clones, receipts, usage
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus, Quota
from shared import events as shared_events
from shared.errors import NotFound, ResourceExhausted
from shared.events import DomainEvent
from shared.repository import CollectionRepository
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.files_fakes import FakeBucket, wire

TENANT = "t1"
QUOTA = Quota(bytes=10_000, files=10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
NOW = datetime.now(UTC)


def a_receipt(file_id: str, **extra: Any) -> FileReceipt:
    fields: dict[str, Any] = {
        "id": file_id,
        "tenant_id": TENANT,
        "owner_id": "u1",
        "grouping_id": "attachments",
        "name": "a.png",
        "content_type": "image/png",
        "declared_size": len(PNG),
        "token": "tok",
        "object_path": f"content/{TENANT}/attachments/{file_id}/tok/a.png",
    }
    return FileReceipt(**(fields | extra))


World = tuple[FakeUnitOfWork, FakeBucket, list[DomainEvent]]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    """The unit, the bucket, and the events published after commits."""
    uow, bucket = FakeUnitOfWork(), FakeBucket()
    return uow, bucket, wire(monkeypatch, uow, bucket)


def receipt_of(uow: FakeUnitOfWork, file_id: str) -> FileReceipt:
    return uow.store[str(repos.receipts(TENANT).path)][file_id]


# -- the hourly expiry ---------------------------------------------------------------------------
def test_the_hourly_expiry_settles_a_stale_receipt_whose_body_landed_instead_of_deleting_it(world):
    uow, bucket, _ = world
    old = NOW - timedelta(hours=2)
    landed, never = a_receipt("landed", created_at=old), a_receipt("never", created_at=old)
    for receipt in (landed, never):
        uow.run(lambda u, r=receipt: receipts.reserve(u, r, QUOTA))
    bucket.put(landed.object_path, PNG, "image/png")  # its notification was lost

    assert cleanup.expire_stale_uploads(now=NOW) == 2

    assert receipt_of(uow, "landed").status is FileStatus.READY
    assert bucket.exists(landed.object_path) and landed.object_path not in bucket.deleted
    expired = receipt_of(uow, "never")
    assert (expired.status, expired.reason) == (FileStatus.REJECTED, "upload-expired")
    assert cleanup.expire_stale_uploads(now=NOW) == 0


def test_the_hourly_expiry_leaves_a_resumable_upload_alone_until_its_session_lapses(world):
    uow, _, _ = world
    opened = NOW - timedelta(days=2)
    resumable = a_receipt("big", created_at=opened, resumable=True)
    uow.run(lambda u: receipts.reserve(u, resumable, QUOTA))

    assert cleanup.expire_stale_uploads(now=NOW) == 0
    assert receipt_of(uow, "big").status is FileStatus.PENDING

    assert cleanup.expire_stale_uploads(now=opened + timedelta(days=7)) == 1
    assert receipt_of(uow, "big").reason == "upload-expired"


# -- clones --------------------------------------------------------------------------------------
def a_ready_source(uow: FakeUnitOfWork, bucket: FakeBucket) -> FileReceipt:
    source = a_receipt("src", created_at=NOW)
    uow.run(lambda u: receipts.reserve(u, source, QUOTA))
    stored = bucket.put(source.object_path, PNG, "image/png")
    return receipt_of(uow, "src").model_copy(
        update={"status": FileStatus.READY, "size": stored.size, "generation": stored.generation}
    )


def test_a_clone_whose_event_fails_to_publish_after_the_commit_keeps_its_object(world, monkeypatch):
    uow, bucket, _ = world
    source = a_ready_source(uow, bucket)
    uow.seed(repos.receipts(TENANT), source)

    def unavailable(events):
        raise ConnectionError("pub/sub unavailable")

    monkeypatch.setattr(shared_events, "publish", unavailable)
    copy = clones.clone(TENANT, "u2", "src", token="tok")

    assert receipt_of(uow, copy.id).status is FileStatus.READY
    assert bucket.exists(copy.object_path) and copy.object_path not in bucket.deleted


def test_a_clone_publishes_the_event_its_unit_emitted_once(world):
    uow, bucket, published = world
    uow.seed(repos.receipts(TENANT), a_ready_source(uow, bucket))
    copy = clones.clone(TENANT, "u2", "src", token="tok")
    assert [(e.type, e.id) for e in published] == [("files.uploaded", f"{copy.id}-uploaded-2")]


def test_a_clone_refused_by_the_quota_deletes_its_copy(world):
    uow, bucket, _ = world
    uow.seed(repos.receipts(TENANT), a_ready_source(uow, bucket))
    uow.run(lambda u: usage.Totals(u, TENANT).override(len(PNG), None))  # full already
    with pytest.raises(ResourceExhausted):
        clones.clone(TENANT, "u2", "src", token="tok")
    assert "copy1" not in uow.store[str(repos.receipts(TENANT).path)]
    assert [name for name in bucket.bodies if "/copy1/" in name] == []


# -- the references trigger ----------------------------------------------------------------------
def test_a_redelivered_references_event_after_the_deletion_ran_is_done_not_an_error(monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr(
        cleanup.tasks, "enqueue", lambda *args, task_id, **kwargs: queued.append(task_id)
    )

    def gone(self, doc_id, changes, **kwargs):
        raise NotFound("FileReferences f1 not found", id=doc_id)

    monkeypatch.setattr(CollectionRepository, "update", gone)
    before: dict[str, Any] = {"holders": ["messaging/c/m"]}
    after: dict[str, Any] = {"holders": []}
    assert cleanup.schedule_if_unreferenced("ev1", TENANT, "f1", before, after) is None
    assert queued == []


# -- browser uploads -----------------------------------------------------------------------------
@pytest.mark.parametrize("origin", ["https://app.example.com", None])
def test_a_resumable_session_is_opened_for_the_configured_browser_origin(
    world, monkeypatch, origin
):
    from files import objects, uploads
    from files.models.receipts import CreateUpload
    from shared.settings import get_settings

    opened: list[str | None] = []

    def session(path, content_type, size, origin=None):
        opened.append(origin)
        return "https://storage.example/session"

    monkeypatch.setattr(objects, "resumable_session", session)
    monkeypatch.setattr(uploads, "in_transaction", lambda work, **_: world[0].run(work))
    if origin is None:
        monkeypatch.delenv("FOUNDATION_FILES_UPLOAD_ORIGIN", raising=False)
    else:
        monkeypatch.setenv("FOUNDATION_FILES_UPLOAD_ORIGIN", origin)
    get_settings.cache_clear()
    try:
        size = uploads.config().resumable_above_bytes + 1
        request = CreateUpload.model_validate(
            {"file_name": "a.png", "content_type": "image/png", "size": size}
            | {"grouping_id": "attachments"}
        )
        answer = uploads.create_upload(TENANT, "u1", request)
    finally:
        get_settings.cache_clear()
    assert answer.resumable and opened == [origin]
    assert receipt_of(world[0], answer.file_id).resumable
