"""Storage notifications (``OBJECT_FINALIZE``, ``OBJECT_DELETE``) settle receipts.

A finalize reads the object back (real size, type, hashes, first bytes), decides in pure code
(:mod:`files.content`) and moves the receipt out of ``pending`` in a transaction
(:func:`settle_finalized`): only a pending receipt changes, so a second delivery changes nothing.
The side effects after the commit are idempotent too: deleting a rejected object again finds it
gone, and the event is republished with the same id (``{fileId}-uploaded``), which consumers
ignore. A delete moves a ready (or pending) receipt to ``deleted`` and drops its cached URL.
Usage totals move by exact deltas in the same transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from files import content, objects
from files import repositories as repos
from files.models.receipts import FileReceipt, FileStatus
from files.uploads import PRIVATE_PREFIX, PUBLIC_PREFIX
from shared import events, logs, paths
from shared.errors import InvalidArgument
from shared.transactions import run_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

FINALIZE = "OBJECT_FINALIZE"
DELETE = "OBJECT_DELETE"
UPLOADED = "files.uploaded"
REJECTED = "files.rejected"
DELETED = "files.deleted"
_log = logs.get_logger("files.storage_events")


@dataclass(frozen=True)
class ObjectKey:
    """The receipt an object path names (``{prefix}/{tenantId}/{groupingId}/{fileId}/...``)."""

    tenant_id: str
    file_id: str


def parse_object_path(name: str) -> ObjectKey | None:
    """The receipt behind an object path; None for anything else (thumbnails, strays)."""
    parts = name.split("/", 5)
    if len(parts) != 6 or parts[0] not in (PRIVATE_PREFIX, PUBLIC_PREFIX):
        return None
    try:
        return ObjectKey(paths.check_id(parts[1]), paths.check_id(parts[3]))
    except InvalidArgument:
        return None


def handle_notification(attributes: dict[str, str]) -> str:
    """Act on one storage notification; returns what happened (for logs and tests)."""
    if attributes.get("bucketId") != objects.bucket_name():
        return "other-bucket"
    object_name = attributes.get("objectId", "")
    key = parse_object_path(object_name)
    if key is None:
        return "ignored"
    kind = attributes.get("eventType")
    if kind == FINALIZE:
        return finalize(key, object_name)
    if kind == DELETE:
        return object_deleted(key, object_name)
    return "ignored"


def finalize(key: ObjectKey, object_name: str) -> str:
    stored = objects.inspect(object_name)
    if stored is None:
        return "gone"  # deleted since; its delete notification settles the receipt
    receipt = repos.receipts(key.tenant_id).get(key.file_id)
    if receipt is None or receipt.object_path != object_name:
        return "no-receipt"  # left for the reconciliation sweep
    reason = content.rejection_reason(receipt.content_type, receipt.declared_size, stored)
    settled = run_transaction(lambda txn: settle_finalized(txn, key, stored, reason))
    if settled is None:
        return "no-receipt"
    if settled.status is not FileStatus.READY:
        # Rejected now or before (a body PUT again after a rejection): the object goes.
        objects.delete(object_name)
    if settled.status in (FileStatus.READY, FileStatus.REJECTED):
        events.publish([receipt_event(settled)])
    return settled.status.value


def settle_finalized(
    txn: Transaction, key: ObjectKey, stored: content.StoredObject, reason: str | None
) -> FileReceipt | None:
    """Move a pending receipt to ready or rejected (with the usage delta); else change nothing."""
    repo = repos.receipts(key.tenant_id)
    receipt = repo.get(key.file_id, transaction=txn)
    if receipt is None or not _unsettled(receipt, stored):
        return receipt
    now = datetime.now(UTC)
    changes: dict[str, Any]
    ready = receipt.status is FileStatus.READY
    counted = (receipt.size or 0) if ready else receipt.declared_size
    if reason is None:
        changes = {
            "status": FileStatus.READY,
            "size": stored.size,
            "md5_hash": stored.md5_hash,
            "crc32c": stored.crc32c,
            "stored_content_type": stored.content_type,
            "generation": stored.generation,
            "ready_at": now,
        }
        bytes_delta, files_delta = stored.size - counted, 0
    else:
        changes = {"status": FileStatus.REJECTED, "reason": reason, "size": stored.size}
        bytes_delta, files_delta = -counted, -1
    repo.update(receipt.id, changes, writer=txn)
    repos.add_usage(txn, key.tenant_id, bytes_delta=bytes_delta, files_delta=files_delta)
    return receipt.model_copy(update=changes)


def _unsettled(receipt: FileReceipt, stored: content.StoredObject) -> bool:
    """A pending receipt, or a ready one whose object was replaced by a newer generation
    (Cloud Storage refuses that through the signed ``x-goog-if-generation-match: 0``; the GCS
    emulator does not, so the new body is checked again rather than trusted)."""
    if receipt.status is FileStatus.PENDING:
        return True
    return receipt.status is FileStatus.READY and receipt.generation != stored.generation


def object_deleted(key: ObjectKey, object_name: str) -> str:
    if objects.inspect(object_name) is not None:
        return "still-there"  # a newer generation exists; nothing was lost
    settled = run_transaction(lambda txn: settle_deleted(txn, key, object_name))
    if settled is None:
        return "no-receipt"
    if settled.status is FileStatus.DELETED:
        events.publish([receipt_event(settled)])
    return settled.status.value


def settle_deleted(txn: Transaction, key: ObjectKey, object_name: str) -> FileReceipt | None:
    """Move a ready or pending receipt to deleted, release its usage, drop its cached URL."""
    repo = repos.receipts(key.tenant_id)
    receipt = repo.get(key.file_id, transaction=txn)
    if receipt is None or receipt.object_path != object_name:
        return None
    if receipt.status not in (FileStatus.READY, FileStatus.PENDING):
        return receipt
    counted = receipt.size if receipt.status is FileStatus.READY else receipt.declared_size
    changes = {"status": FileStatus.DELETED, "deleted_at": datetime.now(UTC)}
    repo.update(receipt.id, changes, writer=txn)
    repos.url_cache(key.tenant_id).delete(receipt.id, writer=txn)
    repos.add_usage(txn, key.tenant_id, bytes_delta=-(counted or 0), files_delta=-1)
    return receipt.model_copy(update=changes)


def receipt_event(receipt: FileReceipt) -> events.DomainEvent:
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
