"""Where the files service's documents live (paths from shared.paths only). Private to the
service: other services use :mod:`files.public`."""

from __future__ import annotations

from typing import Any

from files.models import CachedUrl, FileReceipt, TenantUsage
from shared import paths
from shared.repository import CollectionRepository, utcnow

FILES = "files"
USAGE = "fileUsage"
USAGE_DOC = "totals"
URLS = "fileUrls"


def receipts(tenant_id: str) -> CollectionRepository[FileReceipt]:
    """``tenants/{tenantId}/files``."""
    return CollectionRepository(FileReceipt, paths.tenant_collection(tenant_id, FILES))


def usage(tenant_id: str) -> CollectionRepository[TenantUsage]:
    """``tenants/{tenantId}/fileUsage`` (one document, ``totals``)."""
    return CollectionRepository(TenantUsage, paths.tenant_collection(tenant_id, USAGE))


def url_cache(tenant_id: str) -> CollectionRepository[CachedUrl]:
    """``tenants/{tenantId}/fileUrls``."""
    return CollectionRepository(CachedUrl, paths.tenant_collection(tenant_id, URLS))


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
