"""Every Firestore path is built here, so no caller can forget the tenant.

Tenant-owned data lives under ``tenants/{tenantId}/...``. Ids are checked before they become
path segments: an id with a slash would silently address another collection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.errors import InvalidArgument

TENANTS = "tenants"
_RESERVED = re.compile(r"^__.*__$")


def check_id(value: str, what: str = "id") -> str:
    """Refuse an id that cannot be a single Firestore path segment."""
    if (
        not value
        or "/" in value
        or value in {".", ".."}
        or _RESERVED.match(value)
        or len(value.encode()) > 1500
    ):
        raise InvalidArgument(
            f"Invalid {what}", fields=[{"field": what, "message": "not a valid document id"}]
        )
    return value


@dataclass(frozen=True)
class CollectionPath:
    """A collection's path as segments; ``str()`` gives ``a/b/c``."""

    segments: tuple[str, ...]

    def __str__(self) -> str:
        return "/".join(self.segments)

    @property
    def name(self) -> str:
        return self.segments[-1]

    def document(self, doc_id: str) -> DocumentPath:
        return DocumentPath((*self.segments, check_id(doc_id)))


@dataclass(frozen=True)
class DocumentPath:
    """A document's path as segments; ``str()`` gives ``a/b/c/d``."""

    segments: tuple[str, ...]

    def __str__(self) -> str:
        return "/".join(self.segments)

    @property
    def id(self) -> str:
        return self.segments[-1]

    def collection(self, name: str) -> CollectionPath:
        return CollectionPath((*self.segments, check_id(name, "collection")))


def root_collection(name: str) -> CollectionPath:
    """A top-level collection that belongs to no tenant (e.g. ``_migrations``)."""
    return CollectionPath((check_id(name, "collection"),))


def tenants() -> CollectionPath:
    """The ``tenants`` collection itself."""
    return root_collection(TENANTS)


def tenant(tenant_id: str) -> DocumentPath:
    """``tenants/{tenantId}``."""
    return DocumentPath((TENANTS, check_id(tenant_id, "tenantId")))


def tenant_collection(tenant_id: str, name: str) -> CollectionPath:
    """``tenants/{tenantId}/{name}``."""
    return tenant(tenant_id).collection(name)


def subcollection(tenant_id: str, parent: str, parent_id: str, name: str) -> CollectionPath:
    """``tenants/{tenantId}/{parent}/{parentId}/{name}``."""
    return tenant_collection(tenant_id, parent).document(parent_id).collection(name)
