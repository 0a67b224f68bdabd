"""The receipt's life, as commands on a unit of work (no storage, no Firestore types).

A receipt moves ``pending`` -> ``ready`` | ``rejected`` (its object landed: matching or not),
``pending`` -> ``rejected`` (never landed in time), ``pending``/``ready`` -> ``deleted`` (its
object went, or nobody refers to it). A ``ready`` receipt whose object was replaced by a newer
generation is checked again (Cloud Storage refuses the replacement through the signed
``x-goog-if-generation-match: 0``; the GCS emulator does not). ``rejected`` and ``deleted``
are final. Every command changes a receipt only along these arrows, in the same unit as the
tenant's totals (:mod:`files.usage`), so a repeated notification or task finds nothing to do.

The entry points run these with ``shared.unit_of_work.in_transaction`` after the storage I/O
they need; ``tests/unit/test_files_commands.py`` proves the rules on the in-memory unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from files import repositories as repos
from files.content import StoredObject
from files.models.receipts import FileReceipt, FileStatus, PendingLimit, Quota
from files.usage import Totals
from shared import events
from shared.unit_of_work import UnitOfWork

UPLOADED = "files.uploaded"
REJECTED = "files.rejected"
DELETED = "files.deleted"
EXPIRED = "upload-expired"
"""The reason of a receipt whose upload never arrived in time."""
RESUMABLE_SESSION = timedelta(days=7)
"""How long Cloud Storage keeps a resumable upload session open."""

LIVE = (FileStatus.PENDING, FileStatus.SCANNING, FileStatus.READY)
"""Receipts that still count in the totals and may still be referenced."""


@dataclass(frozen=True)
class ObjectKey:
    """The receipt an object path names (``{prefix}/{tenantId}/{groupingId}/{fileId}/...``)."""

    tenant_id: str
    file_id: str


def reserve(
    uow: UnitOfWork,
    receipt: FileReceipt,
    default_quota: Quota,
    pending_limit: PendingLimit | None = None,
) -> FileReceipt:
    """Create the receipt if the tenant's quota has room for its declared size: a pending
    upload (within its uploader's ``pending_limit`` when given, counted there until it
    settles), or a clone already ready (its copy exists), which announces itself."""
    totals = Totals(uow, receipt.tenant_id)
    totals.require_room(receipt.declared_size, default_quota)  # the unit's reads
    if receipt.status is FileStatus.PENDING and pending_limit is not None:
        totals.require_pending_room(receipt, pending_limit)
        receipt = receipt.model_copy(update={"counted_pending": True})
    created = uow.bind(repos.receipts(receipt.tenant_id)).create(receipt)
    totals.move(bytes_delta=receipt.declared_size, files_delta=1)
    if created.status is FileStatus.READY:
        uow.emit(receipt_event(created))
    return created


def settle_finalized(
    uow: UnitOfWork,
    key: ObjectKey,
    stored: StoredObject,
    reason: str | None,
    *,
    hold: bool = False,
) -> FileReceipt | None:
    """A body landed: ``ready`` (``scanning`` when ``hold``) or ``rejected`` with ``reason``.

    Only an unsettled receipt changes (see the module docstring); the receipt's event is
    emitted whenever it is settled for this object, with an id from file and generation, so a
    redelivery republishes the same event (consumers drop it) and a lost publish is made good.
    """
    receipts = uow.bind(repos.receipts(key.tenant_id))
    receipt = receipts.get(key.file_id)
    if receipt is None or receipt.object_path != stored.name:
        return None
    totals = Totals(uow, key.tenant_id)
    if unsettled(receipt, stored):
        totals.leave_pending(receipt)
        ready = receipt.status is FileStatus.READY
        counted = (receipt.size or 0) if ready else receipt.declared_size
        changes: dict[str, Any] = {
            "size": stored.size,
            "md5_hash": stored.md5_hash,
            "crc32c": stored.crc32c,
            "stored_content_type": stored.content_type,
            "generation": stored.generation,
        }
        if reason is not None:
            changes.update(status=FileStatus.REJECTED, reason=reason)
            totals.move(bytes_delta=-counted, files_delta=-1)
        elif hold:
            changes.update(status=FileStatus.SCANNING)
            totals.move(bytes_delta=stored.size - counted, files_delta=0)
        else:
            changes.update(status=FileStatus.READY, ready_at=datetime.now(UTC))
            totals.move(bytes_delta=stored.size - counted, files_delta=0)
        receipts.update(receipt.id, changes)
        receipt = receipt.model_copy(update=changes)
    if receipt.status in (FileStatus.READY, FileStatus.REJECTED):
        uow.emit(receipt_event(receipt))
    return receipt


def unsettled(receipt: FileReceipt, stored: StoredObject) -> bool:
    """Whether a landed body still has to be judged: a pending receipt, or a ready one whose
    object is a newer generation."""
    if receipt.status is FileStatus.PENDING:
        return True
    return receipt.status is FileStatus.READY and receipt.generation != stored.generation


def settle_scan(
    uow: UnitOfWork, tenant_id: str, file_id: str, *, clear: bool, reason: str | None = None
) -> FileReceipt | None:
    """A held file's scan is done: ``scanning`` -> ``ready`` (clear) or ``rejected`` (usage
    released; the caller deletes the object). Any other state is answered as it is, so a
    repeated verdict changes nothing; the settled event is emitted again with the same id."""
    receipts = uow.bind(repos.receipts(tenant_id))
    receipt = receipts.get(file_id)
    if receipt is None:
        return None
    if receipt.status is FileStatus.SCANNING:
        changes: dict[str, Any]
        if clear:
            changes = {"status": FileStatus.READY, "ready_at": datetime.now(UTC)}
        else:
            changes = {"status": FileStatus.REJECTED, "reason": reason or "scan-rejected"}
            Totals(uow, tenant_id).release(receipt)
        receipts.update(file_id, changes)
        receipt = receipt.model_copy(update=changes)
    if receipt.status in (FileStatus.READY, FileStatus.REJECTED):
        uow.emit(receipt_event(receipt))
    return receipt


def settle_deleted(uow: UnitOfWork, key: ObjectKey, object_name: str) -> FileReceipt | None:
    """The object went: a live receipt turns ``deleted``, releases its usage and its cached
    URL; a final one stays as it is (a second delivery changes nothing but emits
    ``files.deleted`` again, same id, so a publish lost after the first commit is made good)."""
    receipts = uow.bind(repos.receipts(key.tenant_id))
    receipt = receipts.get(key.file_id)
    if receipt is None or receipt.object_path != object_name:
        return None
    if receipt.status not in LIVE:
        if receipt.status is FileStatus.DELETED:
            uow.emit(receipt_event(receipt))
        return receipt
    totals = Totals(uow, key.tenant_id)
    totals.release(receipt)
    changes = {"status": FileStatus.DELETED, "deleted_at": datetime.now(UTC)}
    receipts.update(receipt.id, changes)
    uow.bind(repos.url_cache(key.tenant_id)).delete(receipt.id)
    receipt = receipt.model_copy(update=changes)
    uow.emit(receipt_event(receipt))
    return receipt


def settle_missing(uow: UnitOfWork, tenant_id: str, paths: dict[str, str]) -> list[FileReceipt]:
    """Many objects found gone at once (the reconciliation sweep): each receipt still naming
    its path (``paths``: file id -> object path) and holding a landed body turns ``deleted``,
    as :func:`settle_deleted` would, in one unit; the receipts that changed. One already
    ``deleted`` at its path emits its event again (same id), as :func:`settle_deleted` does."""
    receipts = uow.bind(repos.receipts(tenant_id))
    found = [r for r in receipts.get_many(paths).values() if r.object_path == paths[r.id]]
    gone = [r for r in found if r.status in (FileStatus.READY, FileStatus.SCANNING)]
    uow.emit(*(receipt_event(r) for r in found if r.status is FileStatus.DELETED))
    totals = Totals(uow, tenant_id)
    cache = uow.bind(repos.url_cache(tenant_id))
    changed = []
    for receipt in gone:
        totals.release(receipt)
        changes = {"status": FileStatus.DELETED, "deleted_at": datetime.now(UTC)}
        receipts.update(receipt.id, changes)
        cache.delete(receipt.id)
        changed.append(receipt.model_copy(update=changes))
    uow.emit(*(receipt_event(r) for r in changed))
    return changed


def mark_deleted(uow: UnitOfWork, tenant_id: str, file_id: str) -> FileReceipt | None:
    """Tombstone an unreferenced receipt and release what it counted; None when it is kept
    (someone refers to it again) or already gone. Drops its cached URL and references."""
    held = uow.bind(repos.references(tenant_id)).get(file_id)
    if held is not None and held.holders:
        return None
    return _tombstone(uow, tenant_id, uow.bind(repos.receipts(tenant_id)).get(file_id), file_id)


def mark_temporary_expired(
    uow: UnitOfWork, tenant_id: str, file_id: str, now: datetime
) -> FileReceipt | None:
    """Tombstone a temporary file past its expiry, whoever refers to it (that is what
    temporary means); None for a lasting file or one not yet due."""
    receipt = uow.bind(repos.receipts(tenant_id)).get(file_id)
    if receipt is None or receipt.expires_at is None or receipt.expires_at > now:
        return None
    return _tombstone(uow, tenant_id, receipt, file_id)


def _tombstone(
    uow: UnitOfWork, tenant_id: str, receipt: FileReceipt | None, file_id: str
) -> FileReceipt | None:
    """Turn a live receipt ``deleted`` and release its usage; drop its cached URL and
    references either way (blind writes, after the unit's reads). A receipt already final is
    answered as it is, so the caller can finish removing its object and document."""
    uow.bind(repos.url_cache(tenant_id)).delete(file_id)
    uow.bind(repos.references(tenant_id)).delete(file_id)
    if receipt is None:
        return None
    if receipt.status in LIVE:
        Totals(uow, tenant_id).release(receipt)
        changes = {"status": FileStatus.DELETED, "deleted_at": datetime.now(UTC)}
        uow.bind(repos.receipts(tenant_id)).update(file_id, changes)
        receipt = receipt.model_copy(update=changes)
    if receipt.status is FileStatus.DELETED:
        uow.emit(receipt_event(receipt))
    return receipt


def upload_deadline(receipt: FileReceipt, pending: timedelta) -> datetime | None:
    """When a receipt's body can no longer arrive: ``pending`` (``pendingMinutes``) after its
    creation, or, for a resumable upload, once its session URL has lapsed (a week after it was
    opened, at creation: a client may resume a broken upload until then)."""
    if receipt.created_at is None:
        return None
    return receipt.created_at + (RESUMABLE_SESSION if receipt.resumable else pending)


def mark_expired(
    uow: UnitOfWork, tenant_id: str, file_id: str, now: datetime, pending: timedelta
) -> FileReceipt | None:
    """Reject a receipt still pending past its :func:`upload_deadline`; None when it moved on
    or is not due. One already expired is answered as it is, its ``files.rejected`` emitted
    again (same id). The caller has made sure no body landed (:func:`files.cleanup`)."""
    receipts = uow.bind(repos.receipts(tenant_id))
    receipt = receipts.get(file_id)
    if receipt is not None and receipt.status is FileStatus.REJECTED:
        if receipt.reason == EXPIRED:
            uow.emit(receipt_event(receipt))
            return receipt
        return None
    if receipt is None or receipt.status is not FileStatus.PENDING:
        return None
    deadline = upload_deadline(receipt, pending)
    if deadline is None or deadline > now:
        return None
    totals = Totals(uow, tenant_id)
    totals.release(receipt)
    changes = {"status": FileStatus.REJECTED, "reason": EXPIRED}
    receipts.update(file_id, changes)
    receipt = receipt.model_copy(update=changes)
    uow.emit(receipt_event(receipt))
    return receipt


def receipt_event(receipt: FileReceipt) -> events.DomainEvent:
    """``files.uploaded`` / ``files.rejected`` / ``files.deleted``, with an id from the file,
    the verb and the generation (the same cause always yields the same id)."""
    kind = {
        FileStatus.READY: UPLOADED,
        FileStatus.REJECTED: REJECTED,
        FileStatus.DELETED: DELETED,
    }[receipt.status]
    return events.new_event(
        kind,
        tenant_id=receipt.tenant_id,
        subject_id=receipt.id,
        event_id=f"{receipt.id}-{kind.split('.', 1)[1]}-{receipt.generation or 0}",
        data={
            "fileId": receipt.id,
            "ownerId": receipt.owner_id,
            "groupingId": receipt.grouping_id,
            "contentType": receipt.content_type,
            "size": receipt.size,
            "reason": receipt.reason,
        },
    )
