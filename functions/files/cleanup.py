"""Files nobody refers to any more are deleted after a delay.

Other services register interest through :mod:`files.public`; when the last holder lets go,
the references trigger queues ``filesDeleteUnreferenced`` after ``deleteUnreferencedAfterSeconds``
(the task id comes from the trigger's event id, so a redelivered trigger queues nothing twice).
The task decides in a unit of work (:func:`files.receipts.mark_deleted`): a file that gained
a holder meanwhile is kept; otherwise the receipt turns ``deleted`` (a tombstone
:func:`files.public.add_reference` refuses), usage is released and the cached URL and
references dropped. Then the object and the receipt go. Every step finds its work done on a
retry, so the task is idempotent.

Uploads that never arrive: :func:`expire_stale_uploads` (hourly) rejects receipts still
``pending`` after ``pendingMinutes`` (``reason: upload-expired``), releasing their reservation;
a body that lands later is deleted by the storage consumer (the receipt is no longer pending).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from files import objects, thumbnails
from files import repositories as repos
from files.models.receipts import DeleteExpired, DeleteUnreferenced, FileReceipt
from files.receipts import mark_deleted, mark_expired, mark_temporary_expired
from files.uploads import config
from shared import tasks
from shared.unit_of_work import in_transaction

DELETE_TASK = "filesDeleteUnreferenced"


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
    # schedule times) and delete this document; a failed enqueue is retried with the trigger.
    repos.references(tenant_id).update(
        file_id, {"deletion_task_id": task_id, "deletion_due_at": due}
    )
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
    """Reject every receipt pending for longer than ``pendingMinutes``; how many. Re-running
    changes nothing (only pending receipts move)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(minutes=config().pending_minutes)
    expired = 0
    for tenant_id, file_id in repos.stale_pending(cutoff):
        receipt = in_transaction(lambda uow: mark_expired(uow, tenant_id, file_id, cutoff))  # noqa: B023
        if receipt is None:
            continue
        objects.delete(receipt.object_path)
        expired += 1
    return expired
