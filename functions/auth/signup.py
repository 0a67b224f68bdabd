"""Where a new or returning user belongs: decided only on proof that they own the email.

A user is placed automatically only when their email is verified: by the provider at sign-up
(e.g. Google asserts ``email_verified``), or by our verification link before a later sign-in.
The rules are the customer service's (``customer.public.place_verified_email``): exactly one
pending invitation for the email wins; else the one tenant that verified the email's domain
places them with its default roles; several invitations, or none and no verified domain, place
nobody. Everyone else starts without a tenant and joins with an invitation's token
(``customer_accept_invitation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from customer import public as customer_public
from shared import claims
from user import public as user_public


@dataclass(frozen=True)
class Placement:
    """The outcome: the tenant (if any), roles, products and how they were decided."""

    tenant_id: str | None
    roles: list[str]
    products: list[str]
    source: str  # invitation | domain | none
    invitation_id: str | None = None


NOWHERE = Placement(None, [], [], "none")


def place_user(
    uid: str, email: str | None, email_verified: bool, display_name: str | None
) -> Placement:
    """Place ``uid`` by the rules above (nowhere without a verified email)."""
    if not email or not email_verified:
        return NOWHERE
    joined = customer_public.place_verified_email(uid, email, display_name)
    if joined is None:
        return NOWHERE
    return Placement(
        joined.tenant_id, joined.roles, joined.products, joined.source, joined.invitation_id
    )


def token_claims(uid: str, placement: Placement) -> dict[str, Any]:
    """The custom claims the user's next ID token carries."""
    return claims.validate(
        {
            "tenantId": placement.tenant_id,
            "appUserId": uid,
            "roles": placement.roles,
            "products": placement.products,
        }
    )


def needs_placement(custom_claims: dict[str, Any] | None) -> bool:
    """Whether a signing-in account has no tenant yet (cheap: the claims are on the event)."""
    current = custom_claims or {}
    return not current.get("tenantId") and not current.get("platformAdmin")


def follow_verified_email(uid: str, tenant_id: str, email: str) -> bool:
    """The profile's email follows the account's verified email (``user.public``); call only
    for a verified email. True when it moved."""
    return user_public.follow_verified_email(tenant_id, uid, email)
