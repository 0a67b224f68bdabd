"""Full user-service profiles written straight to the emulator (as sign-up and earlier calls
would have left them), with their search fields."""

from __future__ import annotations

from typing import Any

from tests.support.users import SignedInUser
from user import repositories as repos
from user.models.profiles import UserProfile, search_fields


def profile_of(tenant_id: str, user: SignedInUser, **fields: Any) -> UserProfile:
    """The profile ``user`` has once joined, with the roles of their claims (the one builder
    of seeded profiles: :func:`seed_user_profile`, ``tests.support.tenants.seed_profiles``)."""
    values: dict[str, Any] = {
        "id": user.uid,
        "tenant_id": tenant_id,
        "email": user.email,
        "roles": list(user.claims.get("roles", [])),
        "display_name": f"User {user.uid}",
        "version": 1,
        **fields,
    }
    profile = UserProfile.model_validate(values)
    return profile.model_copy(update=search_fields(profile))


def seed_user_profile(tenant_id: str, user: SignedInUser, **fields: Any) -> UserProfile:
    """``tenants/{tenantId}/users/{uid}`` for ``user`` (:func:`profile_of`)."""
    return repos.profiles(tenant_id).set(profile_of(tenant_id, user, **fields))


def stored(tenant_id: str, uid: str) -> UserProfile:
    return repos.profiles(tenant_id).require(uid)
