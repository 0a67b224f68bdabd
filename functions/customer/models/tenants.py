"""Documents and requests of the customer service: the tenant and what its creation writes.

A customer *is* a tenant: ``tenants/{tenantId}`` holds its name, products, settings and
lifecycle state. Organisation data (locations, departments, clients, contacts), invitations and
API keys live in the tenant's subcollections (``customer.repositories``).
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models import Document, Email, Model, PostalAddress, RequestModel
from shared.types import Change, Cursor, Id, Label, Limit, Name, SingleLine

INVITATION_TTL_DAYS = 14


class TenantStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # within its grace period: reactivation still possible
    CLOSED = "closed"  # the grace period ended: final


class Branding(Model):
    """Used by notifications and links: how the tenant presents itself."""

    display_name: str | None = Field(default=None, max_length=120)
    logo_url: str | None = Field(default=None, max_length=2000, pattern=r"^https://")
    host: str | None = Field(default=None, max_length=253, pattern=r"^[a-z0-9.-]+$")


class TenantSettings(Model):
    session_length_hours: int = Field(default=24 * 14, ge=1, le=24 * 90)
    branding: Branding = Field(default_factory=Branding)
    deidentify_after_days: int = Field(
        default=90,
        ge=0,
        le=3650,
        description="How long a deactivated consumer's personal data is kept (0: removed at "
        "once, as the GDPR's right to erasure may ask).",
    )


class BrandingChange(Branding):
    """Branding as a request sends it: the display name is a ``Name`` (one line, 1-120), since
    it travels into every email's sender and subject. Stored branding keeps reading leniently."""

    display_name: Name | None = None


class SettingsChange(TenantSettings):
    """Settings as ``customer_update`` takes them (the stored shape, with request branding)."""

    branding: BrandingChange = Field(default_factory=BrandingChange)


class RegistrationSettings(Model):
    """Self-registration: users with a verified email in one of these domains join with
    ``default_roles``, once the domain itself is verified (``customer.domains``)."""

    whitelisted_domains: list[str] = Field(default_factory=list, max_length=50)
    default_roles: list[str] = Field(default_factory=lambda: ["member"], max_length=10)


class DeactivationReason(StrEnum):
    TOO_EXPENSIVE = "too-expensive"
    MISSING_FEATURES = "missing-features"
    SWITCHED_PROVIDER = "switched-provider"
    NOT_USED = "not-used"
    SERVICE_QUALITY = "service-quality"
    BUSINESS_CLOSED = "business-closed"
    NON_PAYMENT = "non-payment"
    OTHER = "other"


class Deactivation(Model):
    """Why and when a tenant was deactivated, and until when it can be reactivated."""

    reason: DeactivationReason
    feedback: str = Field(default="", description="Free text from the customer.")
    recommendation_score: int | None = Field(
        default=None, description="0-10: how likely the customer is to recommend the product."
    )
    deactivated_at: datetime
    deactivated_by: str
    grace_period_ends_at: datetime


class Tenant(Document):
    """``tenants/{tenantId}``: readable by its members (firestore.rules), written by functions."""

    name: str
    status: TenantStatus = TenantStatus.ACTIVE
    products: list[str] = Field(default_factory=list)
    address: PostalAddress
    admin_email: str
    parent_tenant_id: str | None = Field(
        default=None, description="Set on a reseller's client tenant (not used yet)."
    )
    settings: TenantSettings = Field(default_factory=TenantSettings)
    registration: RegistrationSettings = Field(default_factory=RegistrationSettings)
    deactivation: Deactivation | None = Field(
        default=None, description="Set while deactivated or closed; kept after reactivation."
    )
    reactivated_at: datetime | None = None
    closed_at: datetime | None = None
    created_by: str


class Location(Document):
    """``tenants/{tenantId}/locations/{locationId}`` (or under a client)."""

    tenant_id: str
    client_id: str | None = None
    name: str
    address: PostalAddress
    headquarters: bool = False
    active: bool = True


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class InvitationPublic(Document):
    """What callers see of an invitation (never its token's hash)."""

    tenant_id: str
    email: str
    roles: list[str]
    status: InvitationStatus = InvitationStatus.PENDING
    invited_by: str
    expires_at: datetime
    accepted_by: str | None = None
    accepted_at: datetime | None = None


class Invitation(InvitationPublic):
    """``tenants/{tenantId}/invitations/{invitationId}``: never readable by clients directly.

    ``email`` is stored lower-cased; automatic placement (``customer.joining``) finds a
    pending, unexpired invitation for a verified email with a collection-group query. The
    token that proves the invitee got the link is stored only as a keyed hash
    (``customer.invitation_tokens``).
    """

    token_salt: str | None = Field(default=None, repr=False, description="Hex salt of the hash.")
    token_hash: str | None = Field(default=None, repr=False, description="HMAC of the token.")

    def public(self) -> InvitationPublic:
        return InvitationPublic.model_validate(
            self.model_dump(exclude={"token_salt", "token_hash"})
        )


# -- requests ---------------------------------------------------------------------------------
class CreateCustomer(RequestModel):
    name: Name
    admin_email: Email
    products: list[Label] = Field(min_length=1, max_length=20)
    address: PostalAddress


class CustomerRef(RequestModel):
    tenant_id: Id | None = Field(default=None, description="Only platform admins name a tenant.")


class UpdateCustomer(RequestModel):
    """Every field but ``tenantId`` is required in the stored tenant: absent keeps it, ``null``
    is refused."""

    tenant_id: Id | None = None
    name: Change[Name] = None
    address: Change[PostalAddress] = None
    products: Change[list[Label]] = Field(
        default=None, min_length=1, max_length=20, description="Platform admins only."
    )
    settings: Change[SettingsChange] = None


# -- answers ----------------------------------------------------------------------------------
class CustomerAnswer(Model):
    tenant_id: str
    tenant: Tenant


class CreatedCustomer(CustomerAnswer):
    location_id: str
    invitation_id: str
    invitation_token: str = Field(
        description="The first admin's invitation token, shown once: it goes into the link."
    )


# -- invitations and registration ------------------------------------------------------------
class InviteUser(RequestModel):
    email: Email
    roles: list[Label] = Field(min_length=1, max_length=10)
    tenant_id: Id | None = None


class InvitationRef(RequestModel):
    invitation_id: Id
    tenant_id: Id | None = None


class ListInvitations(RequestModel):
    status: InvitationStatus | None = None
    limit: Limit = 20
    cursor: Cursor | None = None
    tenant_id: Id | None = None


class InvitationAnswer(Model):
    invitation_id: str
    invitation: InvitationPublic
    invitation_token: str | None = Field(
        default=None, description="Only when the invitation is issued: shown once, for the link."
    )


class InvitationPage(Model):
    invitations: list[InvitationPublic]
    next_cursor: str | None = None


class AcceptInvitation(RequestModel):
    token: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512), SingleLine
    ] = Field(description="The token from the link.")


class AcceptedInvitation(Model):
    tenant_id: str
    roles: list[str]
