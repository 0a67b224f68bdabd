"""Where the customer service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from customer.external_models import UserEntry
from customer.models import Invitation, Location, Tenant
from shared import paths
from shared.api_keys import ApiKey, api_key_repository
from shared.repository import CollectionRepository

LOCATIONS = "locations"
INVITATIONS = "invitations"
USERS = "users"


def tenants() -> CollectionRepository[Tenant]:
    """``tenants``: one document per customer."""
    return CollectionRepository(Tenant, paths.tenants())


def locations(tenant_id: str) -> CollectionRepository[Location]:
    """``tenants/{tenantId}/locations``."""
    return CollectionRepository(Location, paths.tenant_collection(tenant_id, LOCATIONS))


def invitations(tenant_id: str) -> CollectionRepository[Invitation]:
    """``tenants/{tenantId}/invitations``."""
    return CollectionRepository(Invitation, paths.tenant_collection(tenant_id, INVITATIONS))

def api_keys(tenant_id: str) -> CollectionRepository[ApiKey]:
    """``tenants/{tenantId}/apiKeys`` (the stored model and the path live in shared.api_keys,
    which verifies keys for every service)."""
    return api_key_repository(tenant_id)


def user_entries(tenant_id: str) -> CollectionRepository[UserEntry]:
    """``tenants/{tenantId}/users``, read-only here (the user service writes profiles): only
    the fields the external API shows."""
    return CollectionRepository(UserEntry, paths.tenant_collection(tenant_id, USERS))
