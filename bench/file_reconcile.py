"""The files service's reconciliation sweep over 10,000 objects and 10,000 receipts.

    ops/with-emulators functions/venv/bin/python bench/file_reconcile.py [--pairs N] [--orphans N]

One tenant gets ``pairs`` ready receipts with their objects, ``orphans`` objects without a
receipt and ``orphans`` ready receipts whose object is gone (10,000 of each by default; usage
totals seeded to match the receipts). The run is the real path: ``files.reconcile.start``
creates both jobs and queues their tasks on the Cloud Tasks emulator; ``filesSweepTenant`` in
the Functions emulator pages through the bucket (1,000 names a listing) and the receipts (500 a
query, one listing per page's path range), deleting orphaned objects and moving receipts
without objects to ``deleted`` (one transaction each, releasing usage). The clock runs from the
start to both job documents saying done. Background triggers are paused for seeding and run
(the deletions' own notifications are not what is measured). Afterwards an independent check
lists the whole prefix and reads every receipt: orphans left must be 0, and usage must equal
the pairs.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions"), str(ROOT / "bench")]

from verdict import verdict  # noqa: E402

from files import reconcile  # noqa: E402
from files import repositories as repos  # noqa: E402
from files.models.receipts import FileReceipt, FileStatus, TenantUsage  # noqa: E402
from files.receipts import LIVE  # noqa: E402
from shared.clients import storage_client  # noqa: E402
from shared.settings import get_settings  # noqa: E402
from shared.sweeps import SweepStatus  # noqa: E402
from tests.support.emulators import background_triggers_paused, require_stack  # noqa: E402
from tests.support.users import unique_id  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(56))
UPLOADERS = 16


def path(tenant_id: str, n: int) -> str:
    return f"content/{tenant_id}/attachments/f{n:05d}/t/f{n}.png"


def seed(tenant_id: str, pairs: int, orphans: int) -> None:
    """``pairs`` receipts with objects, then ``orphans`` objects alone, then ``orphans``
    receipts alone (numbered in that order)."""
    with_objects = range(pairs + orphans)
    with_receipts = [*range(pairs), *range(pairs + orphans, pairs + 2 * orphans)]
    repos.receipts(tenant_id).write_many(
        FileReceipt(
            id=f"f{n:05d}",
            tenant_id=tenant_id,
            owner_id="bench",
            grouping_id="attachments",
            name=f"f{n}.png",
            content_type="image/png",
            declared_size=len(PNG),
            size=len(PNG),
            status=FileStatus.READY,
            token="t",
            object_path=path(tenant_id, n),
            created_at=datetime.now(UTC),
        )
        for n in with_receipts
    )
    count = len(with_receipts)
    repos.usage(tenant_id).set(TenantUsage(id=repos.USAGE_DOC, bytes=count * len(PNG), files=count))
    bucket = storage_client().bucket(get_settings().files_bucket)

    def upload(n: int) -> None:
        bucket.blob(path(tenant_id, n)).upload_from_string(PNG, content_type="image/png")

    with ThreadPoolExecutor(max_workers=UPLOADERS) as pool:
        list(pool.map(upload, with_objects))


def orphans_left(tenant_id: str) -> int:
    names = {
        str(b.name)
        for b in storage_client().list_blobs(
            get_settings().files_bucket, prefix=f"content/{tenant_id}/"
        )
    }
    live = {r.object_path for r in repos.receipts(tenant_id).stream_all() if r.status in LIVE}
    return len(names - live) + len(live - names)


def run(tenant_id: str) -> float:
    start = time.perf_counter()
    job_ids = reconcile.start(tenant_id, unique_id("bench"))
    jobs = reconcile.SWEEPER.jobs(tenant_id)
    while any(
        (job := jobs.get(job_id)) is None or job.status is not SweepStatus.DONE
        for job_id in job_ids
    ):
        time.sleep(0.05)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=8000)
    parser.add_argument("--orphans", type=int, default=2000)
    args = parser.parse_args()
    require_stack()
    objects = receipts = args.pairs + args.orphans
    with background_triggers_paused():
        warm = unique_id("bench")
        seed(warm, 5, 2)
        run(warm)  # the task function's worker starts once, outside the clock
        tenant_id = unique_id("bench")
        started = time.perf_counter()
        seed(tenant_id, args.pairs, args.orphans)
        seeding = time.perf_counter() - started
        elapsed = run(tenant_id)
    left = orphans_left(tenant_id)
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    totals = (found.bytes, found.files) if found else (0, 0)
    print(f"reconciliation sweep over {objects} objects and {receipts} receipts:")
    print(f"  seeding (not timed)          : {seeding:7.1f} s")
    print(f"  sweep, start to both done    : {elapsed:7.1f} s")
    print(f"  orphans cleaned (each side)  : {args.orphans:7d}")
    print(f"  orphans left                 : {left:7d}")
    print(f"  usage after (bytes, files)   : {totals}")
    assert totals == (args.pairs * len(PNG), args.pairs), totals
    verdict("files reconciliation sweep, orphans left", str(left), "0", left == 0)


if __name__ == "__main__":
    main()
