"""Files nobody refers to any more are deleted after a delay.

Other services register interest through :mod:`files.public`; when the last holder lets go,
the references trigger queues ``filesDeleteUnreferenced`` after ``deleteUnreferencedAfterSeconds``
(the task id comes from the trigger's event id, so a redelivered trigger queues nothing twice).
The task decides in a unit of work (:func:`files.receipts.mark_deleted`): a file that gained
a holder meanwhile is kept; otherwise the receipt turns ``deleted`` (a tombstone
:func:`files.public.add_reference` refuses), usage is released and the cached URL and
references dropped. Then the object and the receipt go. Every step finds its work done on a
retry, so the task is idempotent.

Uploads that never arrive: :func:`expire_stale_uploads` (hourly) looks at each receipt still
``pending`` past its deadline (``pendingMinutes``; a week for a resumable upload, whose session
URL works that long) through :func:`settle_stale_upload`, as the daily sweep does: a body that
landed (its notification lost or late) settles the receipt as the storage consumer would;
without one the receipt is rejected (``reason: upload-expired``), releasing its reservation. A
body that lands later still is deleted by the storage consumer (the receipt is no longer
pending).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from files import objects, storage_events, thumbnails
from files import repositories as repos
from files.models.receipts import DeleteExpired, DeleteUnreferenced, FileReceipt, FileStatus
from files.receipts import (
    ObjectKey,
    mark_deleted,
    mark_expired,
    mark_temporary_expired,
    upload_deadline,
)
from files.uploads import config
from shared import tasks
from shared.errors import NotFound
from shared.unit_of_work import in_transaction

DELETE_TASK = "filesDeleteUnreferenced"
SETTLED = frozenset({"ready", "scanning", "rejected"})
"""What :func:`files.storage_events.finalize` answers when it settled a receipt."""


def schedule_if_unreferenced(
    trigger_event_id: str,
    tenant_id: str,
    file_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str | None:
    """Queue the deletion when a write took the last holder away; returns the task id."""
    if after is None or after.get("holders") or not (before or {}).get("holders"):
        return None
    delay = config().delete_unreferenced_after_seconds
    task_id = "files-delete-" + re.sub(r"[^A-Za-z0-9_-]", "-", trigger_event_id)[:400]
    payload = DeleteUnreferenced(tenant_id=tenant_id, file_id=file_id)
    due = datetime.now(UTC) + timedelta(seconds=delay)
    # Recorded before queuing: the task may run at once (the Cloud Tasks emulator ignores
    # schedule times) and delete this document; a failed enqueue is retried with the trigger
    # (deployed with --retry, as every Firestore trigger: ops/deploy). A redelivery finds the
    # task queued already (same id), or the document gone because the deletion ran: done.
    try:
        repos.references(tenant_id).update(
            file_id, {"deletion_task_id": task_id, "deletion_due_at": due}
        )
    except NotFound:
        return None
    tasks.enqueue(DELETE_TASK, payload, delay_seconds=delay, task_id=task_id)
    return task_id


def delete_unreferenced(payload: DeleteUnreferenced) -> bool:
    """Delete the file if still unreferenced: object, receipt, cached URL, references."""
    receipt = in_transaction(lambda uow: mark_deleted(uow, payload.tenant_id, payload.file_id))
    if receipt is None:
        return False
    remove(receipt)
    return True


def delete_expired(payload: DeleteExpired, now: datetime | None = None) -> bool:
    """Delete a temporary file that is due (referenced or not); idempotent like the above."""
    moment = now or datetime.now(UTC)
    receipt = in_transaction(
        lambda uow: mark_temporary_expired(uow, payload.tenant_id, payload.file_id, moment)
    )
    if receipt is None:
        return False
    remove(receipt)
    return True


def remove(receipt: FileReceipt) -> None:
    """After the tombstone commits: the object (and what derives from it), then the receipt."""
    objects.delete(receipt.object_path)
    thumbnails.delete(receipt)
    repos.receipts(receipt.tenant_id).delete(receipt.id)


def expire_stale_uploads(now: datetime | None = None) -> int:
    """Settle or reject every receipt pending past its deadline; how many moved. Re-running
    changes nothing (only pending receipts move)."""
    moment = now or datetime.now(UTC)
    cutoff = moment - timedelta(minutes=config().pending_minutes)
    moved = 0
    for tenant_id, file_id in repos.stale_pending(cutoff):
        receipt = repos.receipts(tenant_id).get(file_id)
        if receipt is not None and settle_stale_upload(receipt, moment):
            moved += 1
    return moved


def settle_stale_upload(
    receipt: FileReceipt, now: datetime, *, present: bool | None = None
) -> bool:
    """A receipt still pending past its :func:`files.receipts.upload_deadline`: when its object
    exists (``present``, or looked up), settled from it as a finalize notification would
    (``ready``, ``scanning`` or ``rejected``); otherwise rejected ``upload-expired`` and its
    reservation released. Whether it moved. The object is looked at before the receipt is
    expired, so a body whose notification was lost is never thrown away as "never arrived"."""
    pending = timedelta(minutes=config().pending_minutes)
    deadline = upload_deadline(receipt, pending)
    if receipt.status is not FileStatus.PENDING or deadline is None or deadline > now:
        return False
    key = ObjectKey(receipt.tenant_id, receipt.id)
    if objects.exists(receipt.object_path) if present is None else present:
        return storage_events.finalize(key, receipt.object_path) in SETTLED
    expired = in_transaction(
        lambda uow: mark_expired(uow, key.tenant_id, key.file_id, now, pending)
    )
    if expired is None:
        return False
    objects.delete(expired.object_path)  # a body that landed since the look: it is too late
    return True
