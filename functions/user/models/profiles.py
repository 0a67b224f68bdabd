"""The user profile and its parts, shared by every module of the user service.

``tenants/{tenantId}/users/{uid}``: the id is the Firebase Auth uid. Joining a tenant creates
the first profile and the auth service stamps ``jwtUpdatedAt``, both through ``user.public``;
everything else is the user service's. Which fields a caller may read or change is declared in
``static/user_attributes.yaml`` (``user.attributes``), not here.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import Field

from shared.models import Document, Model, PostalAddress

DEIDENTIFIED_NAME = "Deleted user"


class UserType(StrEnum):
    CONSUMER = "consumer"
    BUSINESS = "business"  # works for the tenant: department, location, company role
    PLATFORM_ADMIN = "platform-admin"  # operates the platform; never listed to tenants


class UserProfile(Document):
    """A user of a tenant."""

    tenant_id: str
    email: str | None = None
    type: UserType = UserType.BUSINESS
    roles: list[str] = Field(default_factory=list)
    # personal: removed by de-identification
    display_name: str = ""
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    photo_url: str | None = None
    address: PostalAddress | None = None
    about: str | None = None
    pronouns: str | None = None
    # about the person's place in the tenant (business users)
    locale: str | None = None
    department_id: str | None = None
    location_id: str | None = None
    company_role: str | None = None
    # lifecycle: written by functions only
    disabled: bool = False
    disabled_by: str | None = Field(
        default=None, description="`tenant` (the tenant's deactivation) or the admin's uid."
    )
    disabled_at: datetime | None = None
    deidentify_at: datetime | None = Field(
        default=None,
        description="When a deactivated consumer's personal data goes (the tenant's retention).",
    )
    deidentified: bool = False
    deidentified_at: datetime | None = None
    jwt_updated_at: datetime | None = Field(
        default=None, description="When the claims last changed: clients refresh their token."
    )
    terms_version: str | None = Field(default=None, description="The last accepted version.")
    terms_accepted_at: datetime | None = None
    # search: lower-cased copies kept by every write that changes the source fields
    # (``search_fields``), for prefix queries in ``user_list``
    search_name: str | None = Field(default=None, description="Lower-cased display name.")
    search_email: str | None = Field(default=None, description="Lower-cased email.")


PERSONAL_FIELDS = (
    "email",
    "display_name",
    "first_name",
    "last_name",
    "phone",
    "photo_url",
    "address",
    "about",
    "pronouns",
)
"""What de-identification removes (``display_name`` becomes :data:`DEIDENTIFIED_NAME`)."""


class AccessView(Document):
    """The fields of a profile that decide its claims and sessions (the auth service's view,
    read through ``user.public``); unknown stored fields are ignored."""

    tenant_id: str
    email: str | None = None
    roles: list[str] = Field(default_factory=list)
    disabled: bool = False
    disabled_by: str | None = Field(
        default=None, description="`tenant` when the tenant's deactivation disabled the user."
    )
    jwt_updated_at: datetime | None = Field(
        default=None, description="When the claims last changed: clients refresh their token."
    )
    claims_job_id: str | None = Field(default=None, description="The sweep that last set them.")


class DirectoryEntry(Document):
    """The fields of a profile the customer service's external API may show (read through
    ``user.public``); every other stored field is ignored on read."""

    email: str | None = None
    display_name: str = ""
    roles: list[str] = Field(default_factory=list)
    disabled: bool = False
    type: str | None = Field(
        default=None, description="Read to leave platform admins out; never answered."
    )

    @property
    def platform_admin(self) -> bool:
        """A platform admin's profile inside the tenant: never shown to the tenant."""
        return self.type == UserType.PLATFORM_ADMIN.value or "platform-admin" in self.roles


def search_fields(profile: UserProfile) -> dict[str, str | None]:
    """The ``search_name`` and ``search_email`` a profile should carry: the display name (else
    first and last name) and the email, lower-cased and trimmed; None when empty. Every write
    that changes a name or the email sets them too (de-identification included)."""
    name = profile.display_name or " ".join(
        part for part in (profile.first_name, profile.last_name) if part
    )
    return {
        "search_name": " ".join(name.lower().split()) or None,
        "search_email": (profile.email or "").strip().lower() or None,
    }


def first_profile(
    uid: str,
    tenant_id: str,
    email: str | None,
    display_name: str | None,
    roles: list[str],
    *,
    now: datetime,
    type: UserType = UserType.BUSINESS,
) -> UserProfile:
    """The profile a user starts with (written by the auth service at sign-up, and by the demo
    seed), search fields included, stamped ``now``."""
    profile = UserProfile(
        id=uid,
        tenant_id=tenant_id,
        email=email,
        display_name=display_name or "",
        roles=roles,
        type=type,
        jwt_updated_at=now,
        created_at=now,
        updated_at=now,
        version=1,
    )
    return profile.model_copy(update=search_fields(profile))


class PrivateProfile(Document):
    """``tenants/{tenantId}/users/{uid}/private/profile``: the personal fields tenant admins may
    not read (``private`` in ``static/user_attributes.yaml``, per user type), in a document
    only its owner reads through the rules. The user service merges it into the owner's view."""

    tenant_id: str
    user_id: str
    phone: str | None = None
    address: PostalAddress | None = None
    about: str | None = None
    pronouns: str | None = None


# -- a user's terms history and notification preferences (user.terms, user.preferences) -------
class TermsAcceptance(Document):
    """``tenants/{tenantId}/users/{uid}/termsAcceptances/{version}``: one per accepted version
    (the id is the version, so accepting it again records nothing new)."""

    tenant_id: str
    user_id: str
    terms_version: str
    accepted_at: datetime
    first: bool = Field(default=False, description="The user's first acceptance ever.")
    announced_at: datetime | None = Field(
        default=None, description="When `user.first_terms_accepted` was published (first only)."
    )


class ChannelChoices(Model):
    """One notification's opt-ins per channel; an absent channel follows the notification's
    default (``static/`` definitions of the notifications service)."""

    email: bool | None = None
    push: bool | None = None
    in_app: bool | None = None
    slack: bool | None = None
    teams: bool | None = None


NOTIFICATION_ID = r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"
"""Dot-separated lower-case words (``files.uploaded``), at most 100 characters (see
``NotificationId``); never a Firestore-reserved ``__name__``, never an empty segment."""
_PREFERENCE_STAMPS = ("tenantId", "userId", "createdAt", "updatedAt")


class NotificationPreferences(Document):
    """``tenants/{tenantId}/users/{uid}/preferences/notifications``: stored as
    ``{notificationId: {email, push, inApp, slack, teams}}`` beside ``tenantId``, ``userId`` and
    the timestamps (camelCase keys, so no notification id can collide with them)."""

    tenant_id: str
    user_id: str
    notifications: dict[str, ChannelChoices] = Field(default_factory=dict)

    def to_firestore(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            notification: choices.model_dump(by_alias=True, exclude_none=True)
            for notification, choices in self.notifications.items()
        }
        data.update(
            tenantId=self.tenant_id,
            userId=self.user_id,
            createdAt=self.created_at,
            updatedAt=self.updated_at,
        )
        return data

    @classmethod
    def from_firestore(cls, doc_id: str, data: dict[str, Any]) -> Self:
        notifications = {
            key: value
            for key, value in data.items()
            if key not in _PREFERENCE_STAMPS and isinstance(value, dict)
        }
        stamps = {key: data.get(key) for key in _PREFERENCE_STAMPS}
        return cls.model_validate({**stamps, "id": doc_id, "notifications": notifications})


class MemberCard(Model):
    """What another service may show of an active member (a conversation's participant list)."""

    user_id: str
    display_name: str = ""
    photo_url: str | None = None
