"""Where the auth service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from auth.models import Profile
from shared import paths
from shared.repository import CollectionRepository

USERS = "users"


def profiles(tenant_id: str) -> CollectionRepository[Profile]:
    """``tenants/{tenantId}/users``: the profiles (owned by the user service; auth stamps
    ``jwtUpdatedAt`` and the session state)."""
    return CollectionRepository(Profile, paths.tenant_collection(tenant_id, USERS))
