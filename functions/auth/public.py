"""What other services may call in the auth service (its "server API")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def set_user_claims(
    uid: str, tenant_id: str, roles: Sequence[str], products: Sequence[str]
) -> dict[str, Any]:
    """Set a tenant user's claims (validated, at most 1,000 bytes), stamp ``jwtUpdatedAt`` on
    their profile so the client refreshes its ID token, and emit ``auth.claims_set``. Setting
    the same claims again is harmless."""
    from auth import claims

    return claims.set_user_claims(uid, tenant_id, roles, products)


def refresh_claims(uid: str, tenant_id: str) -> dict[str, Any] | None:
    """Set ``uid``'s claims from what their profile holds now (roles) and the tenant's
    products, stamp and announce them as :func:`set_user_claims` does; None when the profile
    or the tenant is gone. Claims always come from the profile: a caller never passes roles."""
    from auth import claims

    return claims.refresh_user_claims(uid, tenant_id)


@dataclass(frozen=True)
class Account:
    """What the Auth account says now (fresher than any ID token)."""

    email: str | None
    display_name: str | None
    tenant_id: str | None
    platform_admin: bool = False
    disabled: bool = False


def account(uid: str) -> Account:
    """The Auth account of ``uid``: its current email, display name and tenant claim."""
    from firebase_admin import auth

    from shared.clients import admin_app

    record = auth.get_user(uid, app=admin_app())
    claims = record.custom_claims or {}
    return Account(
        record.email,
        record.display_name,
        claims.get("tenantId") or None,
        platform_admin=bool(claims.get("platformAdmin"))
        or "platform-admin" in (claims.get("roles") or []),
        disabled=record.disabled,
    )
