"""Storage notifications (``OBJECT_FINALIZE``, ``OBJECT_DELETE``) settle receipts.

A finalize reads the object back (real size, type, hashes, first bytes), decides in pure code
(:mod:`files.content`), asks the grouping's scan hook (:mod:`files.scanning`) and settles the
receipt in a unit of work (:func:`files.receipts.settle_finalized`): only an unsettled receipt
changes, so a second delivery changes nothing. The side effects after the commit are idempotent
too: deleting a rejected object again finds it gone, and the event is republished with the same
id, which consumers ignore. A delete moves a live receipt to ``deleted`` and drops its cached
URL. Usage totals move in the same units.
"""

from __future__ import annotations

from files import content, objects, scanning, thumbnails
from files import repositories as repos
from files.models.receipts import FileStatus
from files.receipts import ObjectKey, settle_deleted, settle_finalized, unsettled
from files.uploads import PRIVATE_PREFIX, PUBLIC_PREFIX, config
from shared import logs, paths
from shared.errors import InvalidArgument
from shared.unit_of_work import in_transaction

FINALIZE = "OBJECT_FINALIZE"
DELETE = "OBJECT_DELETE"
_log = logs.get_logger("files.storage_events")


def parse_object_path(name: str) -> ObjectKey | None:
    """The receipt behind an object path (``{prefix}/{tenantId}/{groupingId}/{fileId}/...``:
    a name, or a token folder and a name for receipts made before tokens left paths); None
    for anything else (thumbnails, strays)."""
    parts = name.split("/", 4)
    if len(parts) != 5 or parts[0] not in (PRIVATE_PREFIX, PUBLIC_PREFIX):
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
    hold = False
    if reason is None and unsettled(receipt, stored):
        grouping = config().groupings.get(receipt.grouping_id)
        verdict = scanning.scan(grouping.scan if grouping else "hold", receipt, stored)
        if verdict.decision is scanning.Decision.REJECT:
            reason = verdict.reason or "scan-rejected"
        hold = verdict.decision is scanning.Decision.HOLD
    settled = in_transaction(lambda uow: settle_finalized(uow, key, stored, reason, hold=hold))
    if settled is None:
        return "no-receipt"
    if settled.status not in (FileStatus.READY, FileStatus.SCANNING):
        # Rejected now or before (a body PUT again after a rejection): the object goes.
        objects.delete(object_name)
    thumbnails.ensure(settled)  # ready images only; an existing thumbnail is left alone
    return settled.status.value


def object_deleted(key: ObjectKey, object_name: str) -> str:
    if objects.inspect(object_name) is not None:
        return "still-there"  # a newer generation exists; nothing was lost
    settled = in_transaction(lambda uow: settle_deleted(uow, key, object_name))
    if settled is None:
        return "no-receipt"
    thumbnails.delete(settled)
    return settled.status.value
