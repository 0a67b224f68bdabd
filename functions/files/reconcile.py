"""The daily reconciliation: the bucket and the receipts brought back into agreement.

Two kinds of sweep per tenant (machinery: ``shared.sweeps``; jobs in
``tenants/{tenantId}/_filesJobs``, run by ``filesSweepTenant``), started once a day per tenant
(the job id derives from the day, so a second start that day finds the job):

- ``objects``: the tenant's objects under each prefix (files and thumbnails), 1,000 names a
  page (names only), and their receipts in one read; an object no receipt wants (missing,
  naming another object, rejected or deleted; for a thumbnail: not of the ready generation)
  is deleted. Nothing legitimate precedes its receipt (the receipt commits
  before the upload URL is handed out), so no grace period is needed.
- ``receipts``: the tenant's receipts in object-path order, 500 a page; the objects of the
  page's path range come from one listing per prefix. A ready (or scanning) receipt whose object
  is gone turns ``deleted`` (usage released); a receipt pending past its deadline
  (``pendingMinutes``; a week for a resumable upload) is settled from its object if the
  notification was lost, else rejected (``upload-expired``), by the hourly expiry's own
  :func:`files.cleanup.settle_stale_upload`; a temporary file past its expiry (its task
  lost) is deleted.

Idempotent per item: deletes find objects gone, receipts move only along their state machine
(:mod:`files.receipts`), so a page processed twice changes nothing more.
"""

import functools
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar

from files import cleanup, objects, storage_events, thumbnails
from files import repositories as repos
from files.models.receipts import DeleteExpired, FileReceipt, FileStatus
from files.receipts import LIVE, ObjectKey, settle_missing
from files.uploads import PRIVATE_PREFIX, PUBLIC_PREFIX
from shared import logs
from shared.models import Document
from shared.repository import Order, Page
from shared.sweeps import Sweeper, SweepJob, SweepKind
from shared.unit_of_work import in_transaction

OBJECTS = "objects"
RECEIPTS = "receipts"
OBJECT_PAGE = 1000
RECEIPT_PAGE = 500
MISSING_PER_UNIT = 100
"""Receipts whose objects are gone, settled per unit of work (one transaction, not 100)."""
CONCURRENCY = 8
"""Storage calls in flight per worker (each object deletion is one round trip)."""
_log = logs.get_logger("files.reconcile")
Item = TypeVar("Item")


class StoredName(Document):
    """One object of a listing page (its name is its id)."""


def prefixes(tenant_id: str) -> list[str]:
    """Where a tenant's objects live: its files and their thumbnails."""
    return [
        f"{PRIVATE_PREFIX}/{tenant_id}/",
        f"{PUBLIC_PREFIX}/{tenant_id}/",
        f"{thumbnails.PREFIX}/{tenant_id}/",
    ]


def owner_key(name: str) -> ObjectKey | None:
    """The receipt an object belongs to: a file's own object, or one of its thumbnails."""
    parts = name.split("/", 4)
    if len(parts) == 5 and parts[0] == thumbnails.PREFIX:
        return ObjectKey(parts[1], parts[3])
    return storage_events.parse_object_path(name)


def wanted(name: str, receipt: FileReceipt | None) -> bool:
    """Whether ``receipt`` (the one ``name`` points at) still wants the object: its live
    file object, or the thumbnail of its ready image."""
    if receipt is None:
        return False
    if name.startswith(f"{thumbnails.PREFIX}/"):
        return receipt.status is FileStatus.READY and thumbnails.thumbnail_path(receipt) == name
    return receipt.status in LIVE and receipt.object_path == name


# -- objects without (live) receipts --------------------------------------------------------------
def _objects_page(job: SweepJob, cursor: str | None) -> Page[StoredName]:
    """Cursor: ``{prefix index}:{last name}``; the pages run through each prefix in turn."""
    index, _, after = (cursor or "0:").partition(":")
    chosen = prefixes(job.tenant_id)
    position = int(index)
    names = objects.list_names(chosen[position], start_at=after or None, limit=OBJECT_PAGE + 1)
    if names and names[0] == after:
        names = names[1:]  # the cursor's own name ends the previous page
    names = names[:OBJECT_PAGE]
    if len(names) == OBJECT_PAGE:
        next_cursor: str | None = f"{position}:{names[-1]}"
    else:
        next_cursor = f"{position + 1}:" if position + 1 < len(chosen) else None
    return Page([StoredName(id=name) for name in names], next_cursor)


def orphaned(names: list[str], receipts: dict[str, FileReceipt]) -> list[str]:
    """The names no live receipt owns (pure: the rule the objects sweep applies)."""
    keys = {name: owner_key(name) for name in names}
    return [
        name
        for name, key in keys.items()
        if not wanted(name, receipts.get(key.file_id) if key is not None else None)
    ]


def _clean_objects(job: SweepJob, page: list[StoredName]) -> int:
    names = [item.id for item in page]
    file_ids = {k.file_id for k in map(owner_key, names) if k is not None}
    receipts = repos.receipts(job.tenant_id).get_many(file_ids)
    lost = orphaned(names, receipts)
    _in_parallel(objects.delete, lost)
    if lost:
        _log.info("orphaned objects deleted", extra={"fields": {"count": len(lost)}})
    return len(lost)


# -- receipts without objects, and pending too long ------------------------------------------------
def _receipts_page(job: SweepJob, cursor: str | None) -> Page[FileReceipt]:
    return repos.receipts(job.tenant_id).query(
        order_by=[Order("object_path")], limit=RECEIPT_PAGE, cursor=cursor
    )


def existing_objects(receipts: list[FileReceipt]) -> set[str]:
    """The names that exist in the page's path range, one listing per prefix."""
    by_prefix: dict[str, list[str]] = {}
    for receipt in receipts:
        prefix = "/".join(receipt.object_path.split("/", 2)[:2]) + "/"
        by_prefix.setdefault(prefix, []).append(receipt.object_path)
    found: set[str] = set()
    for prefix, paths in by_prefix.items():
        first, last = min(paths), max(paths)
        # Just past ``last`` (its last character's successor): names extending ``last`` would
        # fall in too, but none exists (a receipt's folder, file id or older token folder,
        # holds its one object).
        end = last[:-1] + chr(ord(last[-1]) + 1)
        found.update(objects.list_names(prefix, start_at=first, end_before=end, limit=None))
    return found


def _reconcile_receipts(job: SweepJob, page: list[FileReceipt]) -> int:
    now = datetime.now(UTC)
    live = [r for r in page if r.status in LIVE]
    present = existing_objects(live) if live else set()
    expired = {r.id for r in live if r.expires_at is not None and r.expires_at <= now}
    landed = (FileStatus.READY, FileStatus.SCANNING)
    missing = {
        r.id: r.object_path
        for r in live
        if r.status in landed and r.object_path not in present and r.id not in expired
    }
    changed = 0
    for chunk in _chunks(list(missing.items()), MISSING_PER_UNIT):
        paths = dict(chunk)
        changed += len(in_transaction(lambda uow: settle_missing(uow, job.tenant_id, paths)))  # noqa: B023

    def one(receipt: FileReceipt) -> bool:
        if receipt.id in expired:  # a temporary file whose expiry task was lost
            due = DeleteExpired(tenant_id=job.tenant_id, file_id=receipt.id)
            return cleanup.delete_expired(due, now)
        # Pending past its deadline: settled from its object if the notification was lost.
        return cleanup.settle_stale_upload(receipt, now, present=receipt.object_path in present)

    rest = [r for r in live if r.id not in missing]
    return changed + sum(_in_parallel(one, rest))


# -- the machinery ---------------------------------------------------------------------------------
def _chunks(items: list[Item], size: int) -> list[list[Item]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="files-sweep")


def _in_parallel(work: Callable[[Item], object], items: Iterable[Item]) -> list[bool]:
    return [bool(result) for result in _pool().map(work, items)]


SWEEPER = Sweeper(
    collection="_filesJobs",
    task_function="filesSweepTenant",
    kinds={
        OBJECTS: SweepKind(read_page=_objects_page, process=_clean_objects),
        RECEIPTS: SweepKind(read_page=_receipts_page, process=_reconcile_receipts),
    },
)


def start(tenant_id: str, cause: str) -> list[str]:
    """Start both sweeps of the tenant once per ``cause`` (the day, for the daily run)."""
    return [SWEEPER.start(tenant_id, kind, cause) for kind in (OBJECTS, RECEIPTS)]


def start_daily(now: datetime | None = None) -> int:
    """Start today's reconciliation of every tenant; how many tenants."""
    from customer import public as customer_public

    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    count = 0
    for tenant_id in customer_public.tenant_ids():
        start(tenant_id, f"reconcile-{day}")
        count += 1
    return count
