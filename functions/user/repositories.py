"""Where the user service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from shared import paths
from shared.repository import CollectionGroup, CollectionRepository, SubcollectionRepository
from user.models.profiles import (
    AccessView,
    DirectoryEntry,
    NotificationPreferences,
    PrivateProfile,
    TermsAcceptance,
    UserProfile,
)

USERS = "users"
TERMS_ACCEPTANCES = "termsAcceptances"
PREFERENCES = "preferences"
NOTIFICATION_PREFERENCES = "notifications"
PRIVATE = "private"
PRIVATE_PROFILE = "profile"


def profiles(tenant_id: str) -> CollectionRepository[UserProfile]:
    """``tenants/{tenantId}/users``: one profile per Firebase Auth uid."""
    return CollectionRepository(UserProfile, paths.tenant_collection(tenant_id, USERS))


def profiles_everywhere() -> CollectionGroup[UserProfile]:
    """Every tenant's ``users`` (a collection group, read only: profiles due for
    de-identification across tenants)."""
    return CollectionGroup(UserProfile, USERS)


def access_views(tenant_id: str) -> CollectionRepository[AccessView]:
    """``tenants/{tenantId}/users`` read as :class:`AccessView` (claims and sessions)."""
    return CollectionRepository(AccessView, paths.tenant_collection(tenant_id, USERS))


def directory_entries(tenant_id: str) -> CollectionRepository[DirectoryEntry]:
    """``tenants/{tenantId}/users`` read as :class:`DirectoryEntry` (the external API)."""
    return CollectionRepository(DirectoryEntry, paths.tenant_collection(tenant_id, USERS))


def terms_acceptances(tenant_id: str, uid: str) -> SubcollectionRepository[TermsAcceptance]:
    """``tenants/{tenantId}/users/{uid}/termsAcceptances``: the user's terms history."""
    return SubcollectionRepository(
        TermsAcceptance, paths.tenant_collection(tenant_id, USERS).document(uid), TERMS_ACCEPTANCES
    )


def preferences(tenant_id: str, uid: str) -> SubcollectionRepository[NotificationPreferences]:
    """``tenants/{tenantId}/users/{uid}/preferences``: one document, ``notifications``
    (:data:`NOTIFICATION_PREFERENCES`), read by the notifications service."""
    parent = paths.tenant_collection(tenant_id, USERS).document(uid)
    return SubcollectionRepository(NotificationPreferences, parent, PREFERENCES)


def private_profiles(tenant_id: str, uid: str) -> SubcollectionRepository[PrivateProfile]:
    """``tenants/{tenantId}/users/{uid}/private``: one document, ``profile``
    (:data:`PRIVATE_PROFILE`), the fields tenant admins may not read (``user.private_fields``)."""
    parent = paths.tenant_collection(tenant_id, USERS).document(uid)
    return SubcollectionRepository(PrivateProfile, parent, PRIVATE)
