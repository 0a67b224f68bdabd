"""Setting a user's claims: validated (shape, at most 1,000 bytes), set, stamped, announced.

After the claims change, ``jwtUpdatedAt`` on the user's profile tells a listening frontend to
refresh its ID token, and ``auth.claims_set`` tells other services. Bulk refreshes
(``auth.sweeps``) use the same claims and announce a page of users in one event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared import claims, events
from user import public as user_public

CLAIMS_SET = "auth.claims_set"


def claims_for(
    uid: str, tenant_id: str | None, roles: Sequence[str], products: Sequence[str]
) -> dict[str, Any]:
    """The validated token claims of a tenant user (``invalid-argument`` if too large)."""
    return claims.validate(
        {"tenantId": tenant_id, "appUserId": uid, "roles": list(roles), "products": list(products)}
    )


def claims_set_event(
    tenant_id: str | None, user_ids: Sequence[str], *, subject_id: str, event_id: str | None = None
) -> events.DomainEvent:
    return events.new_event(
        CLAIMS_SET,
        tenant_id=tenant_id,
        subject_id=subject_id,
        event_id=event_id,
        data={"userIds": list(user_ids)},
    )


def set_user_claims(
    uid: str, tenant_id: str, roles: Sequence[str], products: Sequence[str]
) -> dict[str, Any]:
    """Set one tenant user's claims, stamp ``jwtUpdatedAt`` and emit ``auth.claims_set``.

    Setting the same claims again is harmless (the same values, a later stamp).
    """
    token_claims = claims_for(uid, tenant_id, roles, products)
    claims.set_claims(uid, token_claims)
    user_public.stamp_claims_set(tenant_id, uid)
    events.publish([claims_set_event(tenant_id, [uid], subject_id=uid)])
    return token_claims


def refresh_user_claims(uid: str, tenant_id: str) -> dict[str, Any] | None:
    """Set the claims a user's profile and tenant call for now (after a role change); None when
    the profile or tenant is gone. Reading both fresh makes a re-delivered or out-of-order event
    harmless: it always sets the current claims."""
    from customer import public as customer_public

    profile = user_public.access_view(tenant_id, uid)
    products = customer_public.tenant_products(tenant_id)
    if profile is None or products is None:
        return None
    return set_user_claims(uid, tenant_id, profile.roles, products)
