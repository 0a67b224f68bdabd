"""Where the files service's documents live (paths from shared.paths only). Private to the
service: other services use :mod:`files.public`."""

from __future__ import annotations

from typing import Any

from files.models import CachedUrl, FileReceipt, FileReferences, TenantUsage
from shared import paths
from shared.repository import CollectionRepository, utcnow

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


def change_holders(writer: Any, tenant_id: str, file_id: str, holder: str, *, add: bool) -> None:
    """Add or remove one holder without reading the document (array union/remove)."""
    from google.cloud.firestore import ArrayRemove, ArrayUnion

    change = ArrayUnion([holder]) if add else ArrayRemove([holder])
    data: dict[str, Any] = {"holders": change, "updatedAt": utcnow()}
    if add:
        data.update(deletionTaskId=None, deletionDueAt=None)
    writer.set(references(tenant_id).ref(file_id), data, merge=True)


def add_usage(writer: Any, tenant_id: str, *, bytes_delta: int, files_delta: int) -> None:
    """Move the tenant's totals by exact deltas (increments: no read, no contention)."""
    from google.cloud.firestore import Increment

    writer.set(
        usage(tenant_id).ref(USAGE_DOC),
        {
            "bytes": Increment(bytes_delta),
            "files": Increment(files_delta),
            "updatedAt": utcnow(),
        },
        merge=True,
    )
