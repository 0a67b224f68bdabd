"""What other services may call in the auth service (its "server API")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def set_user_claims(
    uid: str, tenant_id: str, roles: Sequence[str], products: Sequence[str]
) -> dict[str, Any]:
    """Set a tenant user's claims (validated, at most 1,000 bytes), stamp ``jwtUpdatedAt`` on
    their profile so the client refreshes its ID token, and emit ``auth.claims_set``. Setting
    the same claims again is harmless."""
    from auth import claims

    return claims.set_user_claims(uid, tenant_id, roles, products)


def account(uid: str) -> tuple[str | None, dict[str, Any]]:
    """The Auth account's current email and custom claims (fresher than an ID token)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    record = auth.get_user(uid, app=admin_app())
    return record.email, dict(record.custom_claims or {})
