"""What other services may call in the customer service (its "server API").

Small, typed and documented; other services import this module, never the customer service's
repositories or models. The auth service's blocking functions place a user whose email is
verified (the rules live in ``customer.joining``: one pending invitation, else one verified
domain, else nobody); claims need a tenant's products; the user service its retention; scheduled
upkeep in other services walks the tenants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rules' module is heavy: only the auth service's blocking function runs it
    from customer.joining import Joined


def place_verified_email(uid: str, email: str, display_name: str | None) -> Joined | None:
    """Place ``uid`` (verified ``email``) in the tenant the rules name, writing the consumed
    invitation and the first profile in one transaction; None when no single tenant is named.
    The caller sets the claims (the blocking function returns them)."""
    from customer import joining

    return joining.place_verified_email(uid, email, display_name)


def tenant_products(tenant_id: str) -> list[str] | None:
    """The products ``tenant_id`` has (they go into its users' claims); None if no tenant."""
    from customer import repositories as repos

    tenant = repos.tenants().get(tenant_id)
    return None if tenant is None else list(tenant.products)


def require_tenant_products(tenant_id: str) -> list[str]:
    """The products ``tenant_id`` has; ``not-found`` if no tenant."""
    from customer import repositories as repos

    return list(repos.tenants().require(tenant_id).products)


def deidentify_after_days(tenant_id: str) -> int | None:
    """How many days the tenant keeps a deactivated consumer's personal data; None if no
    tenant (the caller picks its default)."""
    from customer import repositories as repos

    tenant = repos.tenants().get(tenant_id)
    return None if tenant is None else tenant.settings.deidentify_after_days


def tenant_ids() -> Iterator[str]:
    """Every tenant's id, streamed (for scheduled upkeep that runs per tenant). Reads the ids
    only, so one malformed tenant document stops nobody's upkeep."""
    from shared import paths
    from shared.models import Document
    from shared.repository import CollectionRepository

    for tenant in CollectionRepository(Document, paths.tenants()).stream_all():
        yield tenant.id


@dataclass(frozen=True)
class TenantBranding:
    """How a tenant presents itself in notifications: name, logo and the host its links use
    (None: the platform's default host)."""

    tenant_id: str
    name: str
    logo_url: str | None
    host: str | None
    active: bool


def tenant_branding(tenant_id: str) -> TenantBranding | None:
    """``tenant_id``'s :class:`TenantBranding` (``display_name`` over the tenant's name);
    None if no tenant. One document read."""
    from customer import repositories as repos

    tenant = repos.tenants().get(tenant_id)
    if tenant is None:
        return None
    branding = tenant.settings.branding
    return TenantBranding(
        tenant_id=tenant_id,
        name=branding.display_name or tenant.name,
        logo_url=branding.logo_url,
        host=branding.host,
        active=tenant.status == "active",
    )


def invitation_token_usable(token: str) -> bool:
    """Whether ``token`` is still the pending, unexpired token of its invitation (a
    re-invitation, a revocation, an acceptance or expiry makes it stale). The notifications
    service asks before emailing an invitation, so a burst of re-invitations sends the latest
    link instead of a row of dead ones."""
    from datetime import UTC, datetime

    from customer import invitation_tokens
    from customer import repositories as repos
    from customer.models.tenants import InvitationStatus

    parsed = invitation_tokens.parse(token)
    if parsed is None:
        return False
    found = repos.invitations(parsed.tenant_id).get(parsed.invitation_id)
    return (
        found is not None
        and found.status is InvitationStatus.PENDING
        and found.expires_at > datetime.now(UTC)
        and invitation_tokens.matches(parsed, found.token_salt, found.token_hash)
    )


__all__ = [
    "TenantBranding",
    "deidentify_after_days",
    "invitation_token_usable",
    "place_verified_email",
    "require_tenant_products",
    "tenant_branding",
    "tenant_ids",
    "tenant_products",
]
