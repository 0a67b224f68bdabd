"""What other services may call in the user service (its "server API").

Small, typed and documented; other services import this module, never the user service's
repositories or models, so the user service may change how it stores people. Joining a tenant
writes the user's first profile in the same unit of work that consumes the invitation or checks
the domain (the customer service's ``customer.joining``), so those functions take the caller's
unit (``shared.unit_of_work``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.errors import FailedPrecondition, InvalidArgument
from shared.repository import Page
from shared.unit_of_work import UnitOfWork
from user import display_names
from user import repositories as repos
from user.models.profiles import (
    AccessView,
    DirectoryEntry,
    MemberCard,
    UserType,
    first_profile,
)


def profile_exists(uow: UnitOfWork, tenant_id: str, uid: str) -> bool:
    """Whether ``uid`` already has a profile in ``tenant_id`` (read in the caller's unit)."""
    return uow.bind(repos.profiles(tenant_id)).get(uid) is not None


def current_roles(uow: UnitOfWork, tenant_id: str, uid: str) -> list[str] | None:
    """The roles ``uid``'s profile in ``tenant_id`` holds now (read in the caller's unit);
    None when there is no profile."""
    profile = uow.bind(repos.access_views(tenant_id)).get(uid)
    return None if profile is None else list(profile.roles)


def grantor_roles(uow: UnitOfWork, tenant_id: str, uid: str) -> list[str] | None:
    """The roles ``uid`` may still grant from in ``tenant_id`` (read in the caller's unit): its
    profile's roles, none once deactivated; None when it has no profile there (a platform
    admin acts on tenants without one)."""
    profile = uow.bind(repos.access_views(tenant_id)).get(uid)
    if profile is None:
        return None
    return [] if profile.disabled else list(profile.roles)


def create_first_profile(
    uow: UnitOfWork,
    tenant_id: str,
    uid: str,
    email: str | None,
    display_name: str | None,
    roles: list[str],
) -> None:
    """Stage a new user's first profile in the caller's unit (fails at commit if it exists).
    ``display_name`` comes from the Auth account, so it enters as a valid name or not at all
    (``user.display_names``)."""
    name = display_names.from_account(display_name)
    profile = first_profile(uid, tenant_id, email, name, roles, now=datetime.now(UTC))
    uow.bind(repos.profiles(tenant_id)).create(profile)


def follow_verified_email(tenant_id: str, uid: str, email: str) -> bool:
    """Auth's sign-in: the profile's email follows the account's *verified* email
    (``user.profiles.follow_verified_email``); True when it moved. Checked on plain reads
    first, so a sign-in whose email did not change locks and writes nothing."""
    from shared.unit_of_work import in_transaction
    from user import profiles

    return in_transaction(
        lambda uow: profiles.follow_verified_email(uow, tenant_id, uid, email), check_first=True
    )


def is_active_member(tenant_id: str, user_id: str) -> bool:
    """True when ``user_id`` is an enabled, tenant-visible user of ``tenant_id``: a profile in
    that tenant, not deactivated, not a platform admin. One document read; an id that cannot be
    a document id is simply no member."""

    try:
        profile = repos.profiles(tenant_id).get(user_id)
    except (InvalidArgument, FailedPrecondition):  # not an id; a malformed profile
        return False
    return (
        profile is not None
        and profile.tenant_id == tenant_id
        and not profile.disabled
        and profile.type is not UserType.PLATFORM_ADMIN
    )


def active_member_cards(tenant_id: str, user_ids: Sequence[str]) -> dict[str, MemberCard]:
    """Name and photo of each of ``user_ids`` that is an active member of ``tenant_id`` (as
    :func:`is_active_member` decides), in one batched read; the others are left out."""
    found = repos.profiles(tenant_id).get_many(user_ids)
    return {
        uid: MemberCard(user_id=uid, display_name=p.display_name, photo_url=p.photo_url)
        for uid, p in found.items()
        if p.tenant_id == tenant_id and not p.disabled and p.type is not UserType.PLATFORM_ADMIN
    }


def access_view(tenant_id: str, uid: str) -> AccessView | None:
    """What decides ``uid``'s claims and sessions (roles, disabled, stamps); None if no profile."""
    return repos.access_views(tenant_id).get(uid)


def access_views_page(tenant_id: str, *, limit: int, cursor: str | None) -> Page[AccessView]:
    """One page of the tenant's profiles, by id, as :class:`AccessView` (for sweeps)."""
    return repos.access_views(tenant_id).query(limit=limit, cursor=cursor)


def stamp_claims_set(tenant_id: str, uid: str) -> None:
    """Stamp ``jwtUpdatedAt`` (now) on ``uid``'s profile after its claims changed, so a
    listening client refreshes its ID token (``not-found`` if no profile). The stamp emits no
    user event: the user service's ``user_events`` ignores it."""
    repos.profiles(tenant_id).update(uid, {"jwt_updated_at": datetime.now(UTC)})


def stamp_claims_swept(tenant_id: str, uids: Sequence[str], job_id: str) -> int:
    """Stamp ``jwtUpdatedAt`` and ``claimsJobId`` (the sweep ``job_id``) on the users' profiles
    in chunked batches; how many were stamped. Emits no user event (see above)."""
    stamp: dict[str, Any] = {"jwt_updated_at": datetime.now(UTC), "claims_job_id": job_id}
    # AccessView declares both stamps (``claimsJobId`` is not part of UserProfile).
    return repos.access_views(tenant_id).update_many((uid, stamp) for uid in uids)


def directory_page(tenant_id: str, *, limit: int, cursor: str | None) -> Page[DirectoryEntry]:
    """One page of the tenant's users, by id, as :class:`DirectoryEntry` (the fields an
    external system may see)."""
    return repos.directory_entries(tenant_id).query(limit=limit, cursor=cursor)


@dataclass(frozen=True)
class NotificationRecipient:
    """What the notifications service needs of a user: where to write, in which language,
    whether they are still active, and their own per-channel choices for one notification
    (``{"email": False, ...}``; absent channels follow the defaults)."""

    user_id: str
    email: str | None
    display_name: str
    locale: str | None
    disabled: bool
    choices: dict[str, bool]


def notification_recipient(
    tenant_id: str, uid: str, notification_id: str
) -> NotificationRecipient | None:
    """``uid``'s :class:`NotificationRecipient` for ``notification_id`` in ``tenant_id``; None
    when there is no such profile (or the id cannot be one). Two document reads: the profile
    and the preferences document (``user_update_preferences``)."""
    try:
        profile = repos.profiles(tenant_id).get(uid)
    except (InvalidArgument, FailedPrecondition):  # not an id; a malformed profile
        return None
    if profile is None or profile.tenant_id != tenant_id:
        return None
    stored = repos.preferences(tenant_id, uid).get(repos.NOTIFICATION_PREFERENCES)
    found = stored.notifications.get(notification_id) if stored is not None else None
    choices = found.model_dump(by_alias=True, exclude_none=True) if found is not None else {}
    return NotificationRecipient(
        user_id=uid,
        email=profile.email,
        display_name=profile.display_name,
        locale=profile.locale,
        disabled=profile.disabled,
        choices=choices,
    )


__all__ = [
    "AccessView",
    "DirectoryEntry",
    "MemberCard",
    "NotificationRecipient",
    "access_view",
    "access_views_page",
    "active_member_cards",
    "create_first_profile",
    "current_roles",
    "directory_page",
    "follow_verified_email",
    "is_active_member",
    "notification_recipient",
    "profile_exists",
    "stamp_claims_set",
    "stamp_claims_swept",
]
