"""A tenant's storage totals and its quota, inside a unit of work.

The totals document (``tenants/{tenantId}/fileUsage/totals``) moves by increments staged in
the same unit as the receipt change that causes them, so the totals are exact however many
units race: an increment needs no read, and a unit that does not commit moves nothing. Only a
new upload reads the totals (its quota check), in its transaction, so two uploads that would
together pass the quota cannot both commit on the same read.

The quota: ``static/files.yaml`` names the default; a tenant's override (set by a platform
admin, :func:`set_quota`) lives on the same totals document, so checking it is no extra read.

A user's pending allowance (``pendingPerUser``): what one uploader holds reserved in uploads
that have not arrived, on ``tenants/{tenantId}/filePending/{uid}``, read in the new upload's
transaction (so parallel uploads cannot pass it together) and given back by blind decrements
when a receipt leaves ``pending``. Without it one member could reserve the whole quota with
empty uploads, for an hour, again and again.
"""

from __future__ import annotations

from files import repositories as repos
from files.models.receipts import (
    FileReceipt,
    FileStatus,
    PendingLimit,
    PendingUploads,
    Quota,
    TenantUsage,
)
from shared.errors import ResourceExhausted
from shared.unit_of_work import BoundRepository, UnitOfWork


class Totals:
    """The tenant's totals in one unit: moved by blind increments, read only when asked.

    :meth:`read` (the quota check, the override) must come among the unit's reads (Firestore
    wants every read before the first write); :meth:`move` and :meth:`release` never read, so
    the units that settle receipts never wait on each other for the totals.
    """

    def __init__(self, uow: UnitOfWork, tenant_id: str) -> None:
        self._repo: BoundRepository[TenantUsage] = uow.bind(repos.usage(tenant_id))
        self._pending: BoundRepository[PendingUploads] = uow.bind(repos.pending_uploads(tenant_id))

    def read(self) -> TenantUsage:
        return self._repo.get(repos.USAGE_DOC) or TenantUsage(id=repos.USAGE_DOC)

    def require_room(self, size: int, default: Quota) -> TenantUsage:
        """``resource-exhausted`` unless one more file of ``size`` bytes fits the quota."""
        used = self.read()
        quota = quota_of(used, default)
        if used.bytes + size > quota.bytes or used.files + 1 > quota.files:
            raise ResourceExhausted(
                "The tenant's storage quota is exhausted",
                type="files/quota-exceeded",
                usedBytes=used.bytes,
                quotaBytes=quota.bytes,
                usedFiles=used.files,
                quotaFiles=quota.files,
            )
        return used

    def require_pending_room(self, receipt: FileReceipt, limit: PendingLimit) -> None:
        """``resource-exhausted`` (``files/pending-limit``) unless the uploader's pending
        reservations leave room for this one; then it is counted (a read, then a write: call
        among the unit's reads, after :meth:`require_room`)."""
        held = self._pending.get(receipt.owner_id) or PendingUploads(id=receipt.owner_id)
        if held.bytes + receipt.declared_size > limit.bytes or held.files + 1 > limit.files:
            raise ResourceExhausted(
                "Too many of your uploads are still waiting for their bytes",
                type="files/pending-limit",
                pendingBytes=held.bytes,
                limitBytes=limit.bytes,
                pendingFiles=held.files,
                limitFiles=limit.files,
            )
        self._pending.increment(receipt.owner_id, {"bytes": receipt.declared_size, "files": 1})

    def leave_pending(self, receipt: FileReceipt) -> None:
        """``receipt`` (as read, still ``pending``) settles: its uploader's allowance comes back
        (a blind decrement); nothing for one that is not pending or was never counted."""
        if receipt.status is FileStatus.PENDING and receipt.counted_pending:
            self._pending.increment(
                receipt.owner_id, {"bytes": -receipt.declared_size, "files": -1}
            )

    def move(self, *, bytes_delta: int, files_delta: int) -> None:
        if bytes_delta or files_delta:
            self._repo.increment(repos.USAGE_DOC, {"bytes": bytes_delta, "files": files_delta})

    def release(self, receipt: FileReceipt) -> None:
        """Give back what a receipt counts (declared size while pending, real size once its
        body landed; a pending one also its uploader's allowance); a receipt that counts
        nothing any more releases nothing."""
        counted = counted_bytes(receipt)
        if counted is not None:
            self.move(bytes_delta=-counted, files_delta=-1)
        self.leave_pending(receipt)

    def override(self, quota_bytes: int | None, quota_files: int | None) -> TenantUsage:
        """Set (None: drop) the tenant's own quota; usage already over a lowered quota stays,
        only new uploads are refused. Setting what is there writes nothing."""
        current = self.read()
        wanted = {"quota_bytes": quota_bytes, "quota_files": quota_files}
        changed = current.model_copy(update=wanted)
        if changed == current:
            return current
        return self._repo.set(changed)  # exact: the totals were read in this transaction


def quota_of(used: TenantUsage, default: Quota) -> Quota:
    """The tenant's override where it has one, else ``default`` (field by field)."""
    return Quota(bytes=used.quota_bytes or default.bytes, files=used.quota_files or default.files)


def counted_bytes(receipt: FileReceipt) -> int | None:
    """What the receipt holds in the totals: None once it counts nothing (rejected, deleted)."""
    if receipt.status in (FileStatus.READY, FileStatus.SCANNING):
        return receipt.size or 0  # the body landed: its real size
    if receipt.status is FileStatus.PENDING:
        return receipt.declared_size
    return None
