"""Where the files service's documents live (paths from shared.paths only). Private to the
service: other services use :mod:`files.public`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from files.models.receipts import CachedUrl, FileReceipt, FileReferences, TenantUsage
from shared import paths
from shared.repository import CollectionRepository

if TYPE_CHECKING:
    from shared.unit_of_work import BoundRepository

FILES = "files"
USAGE = "fileUsage"
USAGE_DOC = "totals"
URLS = "fileUrls"
REFS = "fileRefs"


def receipts(tenant_id: str) -> CollectionRepository[FileReceipt]:
    """``tenants/{tenantId}/files``."""
    return CollectionRepository(FileReceipt, paths.tenant_collection(tenant_id, FILES))


def usage(tenant_id: str) -> CollectionRepository[TenantUsage]:
    """``tenants/{tenantId}/fileUsage`` (one document, ``totals``)."""
    return CollectionRepository(TenantUsage, paths.tenant_collection(tenant_id, USAGE))


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


def stale_pending(cutoff: datetime, *, page_size: int = 200) -> Iterator[tuple[str, str]]:
    """``(tenantId, fileId)`` of every receipt still pending since before ``cutoff``, across
    tenants (a collection-group query, indexed in firestore.indexes.json)."""
    from google.cloud.firestore import FieldFilter

    from shared.clients import firestore_client

    query = (
        firestore_client()
        .collection_group(FILES)
        .where(filter=FieldFilter("status", "==", "pending"))
        .where(filter=FieldFilter("createdAt", "<=", cutoff))
        .order_by("createdAt")
        .limit(page_size)
    )
    last = None
    while True:
        page = list((query.start_after(last) if last is not None else query).stream())
        for snapshot in page:
            tenant_id = snapshot.get("tenantId")
            if isinstance(tenant_id, str):
                yield tenant_id, snapshot.id
        if len(page) < page_size:
            return
        last = page[-1]
