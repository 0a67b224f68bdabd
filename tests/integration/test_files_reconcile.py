"""The reconciliation sweep: objects without receipts and receipts without objects are cleaned
on both sides, receipts pending too long are settled or expired, and a second run changes
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from files import receipts, reconcile
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus
from files.uploads import config, object_path
from shared.clients import storage_client
from shared.settings import get_settings
from shared.sweeps import SweepJob, SweepStatus
from shared.unit_of_work import in_transaction
from tests.support.callables import call
from tests.support.emulators import eventually
from tests.support.users import unique_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
LONG_AGO = datetime.now(UTC) - timedelta(hours=3)


def bucket():
    return storage_client().bucket(get_settings().files_bucket)


def put_object(name: str) -> None:
    bucket().blob(name).upload_from_string(PNG, content_type="image/png")


def exists(name: str) -> bool:
    return bucket().get_blob(name) is not None


def reserved(tenant_id: str, *, created_at: datetime | None = None) -> FileReceipt:
    """A pending receipt written as files_create_upload writes it (optionally long ago)."""
    file_id, token = unique_id("f"), unique_id("tok")
    receipt = FileReceipt(
        id=file_id,
        tenant_id=tenant_id,
        owner_id="u1",
        grouping_id="attachments",
        name="p.png",
        content_type="image/png",
        declared_size=len(PNG),
        token=token,
        object_path=object_path(tenant_id, "attachments", file_id, "p.png", public=False),
        created_at=created_at,
    )
    return in_transaction(lambda uow: receipts.reserve(uow, receipt, config().quota))


def usage(tenant_id: str) -> tuple[int, int]:
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def run_sweeps(tenant_id: str, cause: str) -> list[SweepJob]:
    job_ids = reconcile.start(tenant_id, cause)

    def done() -> list[SweepJob] | None:
        jobs = [reconcile.SWEEPER.jobs(tenant_id).get(job_id) for job_id in job_ids]
        finished = [j for j in jobs if j is not None and j.status is SweepStatus.DONE]
        return finished if len(finished) == len(job_ids) else None

    return eventually(done, timeout=120, every=0.5)


def test_the_sweep_cleans_both_sides_and_a_second_run_changes_nothing(tenant):
    answer = call(
        "files_create_upload",
        {"fileName": "a.png", "contentType": "image/png", "size": len(PNG)}
        | {"groupingId": "attachments"},
        tenant.member,
    )
    strays = [f"content/{tenant.id}/attachments/{unique_id('stray')}/tok/x.png" for _ in "ab"]
    for stray in strays:
        put_object(stray)
    lost_object = reserved(tenant.id)
    in_transaction(
        lambda uow: uow.bind(repos.receipts(tenant.id)).update(
            lost_object.id, {"status": FileStatus.READY, "size": len(PNG), "generation": "1"}
        )
    )
    never_came = reserved(tenant.id, created_at=LONG_AGO)
    assert usage(tenant.id) == (3 * len(PNG), 3)

    jobs = run_sweeps(tenant.id, unique_id("day"))

    assert not any(exists(stray) for stray in strays)
    assert repos.receipts(tenant.id).require(lost_object.id).status is FileStatus.DELETED
    expired = repos.receipts(tenant.id).require(never_came.id)
    assert (expired.status, expired.reason) == (FileStatus.REJECTED, "upload-expired")
    assert repos.receipts(tenant.id).require(answer["fileId"]).status is FileStatus.PENDING
    assert usage(tenant.id) == (len(PNG), 1)
    assert sum(job.changed for job in jobs) == 4  # two strays, one lost object, one expiry

    again = run_sweeps(tenant.id, unique_id("day"))
    assert [job.changed for job in again] == [0, 0]
    assert usage(tenant.id) == (len(PNG), 1)


def test_a_stale_pending_receipt_whose_object_landed_is_settled_from_the_object(tenant):
    late = reserved(tenant.id, created_at=LONG_AGO)
    put_object(late.object_path)  # its notification may be handled or lost: the end is the same

    run_sweeps(tenant.id, unique_id("day"))

    settled = repos.receipts(tenant.id).require(late.id)
    assert (settled.status, settled.size) == (FileStatus.READY, len(PNG))
    assert exists(late.object_path)
    assert usage(tenant.id) == (len(PNG), 1)


def test_starting_the_days_sweep_twice_starts_one_job_per_kind(tenant):
    cause = unique_id("day")
    first = reconcile.start(tenant.id, cause)
    assert reconcile.start(tenant.id, cause) == first
    assert len(set(first)) == 2
    run_sweeps(tenant.id, cause)
