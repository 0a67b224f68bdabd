"""Where the customer service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from customer.models import Invitation, Location, Tenant
from shared import paths
from shared.repository import CollectionRepository

LOCATIONS = "locations"
INVITATIONS = "invitations"


def tenants() -> CollectionRepository[Tenant]:
    """``tenants``: one document per customer."""
    return CollectionRepository(Tenant, paths.tenants())


def locations(tenant_id: str) -> CollectionRepository[Location]:
    """``tenants/{tenantId}/locations``."""
    return CollectionRepository(Location, paths.tenant_collection(tenant_id, LOCATIONS))


def invitations(tenant_id: str) -> CollectionRepository[Invitation]:
    """``tenants/{tenantId}/invitations``."""
    return CollectionRepository(Invitation, paths.tenant_collection(tenant_id, INVITATIONS))
