"""Where the files service's documents live (paths from shared.paths only). Private to the
service: other services use :mod:`files.public`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from files.models.receipts import (
    CachedUrl,
    FileReceipt,
    FileReferences,
    PendingUploads,
    TenantUsage,
)
from shared import paths
from shared.repository import CollectionGroup, CollectionRepository, where

if TYPE_CHECKING:
    from shared.unit_of_work import BoundRepository

FILES = "files"
USAGE = "fileUsage"
USAGE_DOC = "totals"
URLS = "fileUrls"
REFS = "fileRefs"
PENDING = "filePending"


def receipts(tenant_id: str) -> CollectionRepository[FileReceipt]:
    """``tenants/{tenantId}/files``."""
    return CollectionRepository(FileReceipt, paths.tenant_collection(tenant_id, FILES))


def usage(tenant_id: str) -> CollectionRepository[TenantUsage]:
    """``tenants/{tenantId}/fileUsage`` (one document, ``totals``)."""
    return CollectionRepository(TenantUsage, paths.tenant_collection(tenant_id, USAGE))


def pending_uploads(tenant_id: str) -> CollectionRepository[PendingUploads]:
    """``tenants/{tenantId}/filePending`` (one document per uploader, by uid)."""
    return CollectionRepository(PendingUploads, paths.tenant_collection(tenant_id, PENDING))


def url_cache(tenant_id: str) -> CollectionRepository[CachedUrl]:
    """``tenants/{tenantId}/fileUrls``."""
    return CollectionRepository(CachedUrl, paths.tenant_collection(tenant_id, URLS))


def references(tenant_id: str) -> CollectionRepository[FileReferences]:
    """``tenants/{tenantId}/fileRefs``."""
    return CollectionRepository(FileReferences, paths.tenant_collection(tenant_id, REFS))


def change_holders(
    refs: BoundRepository[FileReferences], file_id: str, holder: str, *, add: bool
) -> None:
    """Add or remove one holder without reading the document (array union/remove); adding
    cancels a scheduled deletion."""
    also = {"deletion_task_id": None, "deletion_due_at": None} if add else None
    refs.change_array(file_id, "holders", holder, add=add, also=also)


def receipts_everywhere() -> CollectionGroup[FileReceipt]:
    """Every tenant's ``files`` (a collection-group query), for the scans that cross tenants."""
    return CollectionGroup(FileReceipt, FILES)


def stale_pending(cutoff: datetime, *, page_size: int = 200) -> Iterator[tuple[str, str]]:
    """``(tenantId, fileId)`` of every receipt still pending since before ``cutoff``, across
    tenants (indexed in firestore.indexes.json)."""
    stale = receipts_everywhere().stream_all(
        where("status", "==", "pending"), where("created_at", "<=", cutoff), page_size=page_size
    )
    for receipt in stale:
        yield receipt.tenant_id, receipt.id
