"""Where the auth service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from auth.models import Profile, SweepJob
from shared import paths
from shared.repository import CollectionRepository

USERS = "users"
JOBS = "_jobs"


def profiles(tenant_id: str) -> CollectionRepository[Profile]:
    """``tenants/{tenantId}/users``: the profiles (owned by the user service; auth stamps
    ``jwtUpdatedAt`` and the session state)."""
    return CollectionRepository(Profile, paths.tenant_collection(tenant_id, USERS))


def jobs(tenant_id: str) -> CollectionRepository[SweepJob]:
    """``tenants/{tenantId}/_jobs``: progress of sweeps over a tenant's users (no client reads)."""
    return CollectionRepository(SweepJob, paths.tenant_collection(tenant_id, JOBS))
