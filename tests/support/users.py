"""Users in the Auth emulator with custom claims, signed in for real ID tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.support.emulators import host

PASSWORD = "demo-password-1"


@dataclass
class SignedInUser:
    uid: str
    email: str
    id_token: str
    claims: dict[str, Any] = field(default_factory=dict)


def unique_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sign_in(email: str, password: str = PASSWORD) -> str:
    """An ID token from the Auth emulator's password sign-in (claims included)."""
    url = (
        f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/identitytoolkit.googleapis.com/v1/"
        "accounts:signInWithPassword?key=demo-api-key"
    )
    answer = requests.post(
        url, json={"email": email, "password": password, "returnSecureToken": True}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["idToken"])


def create_user(
    *,
    tenant_id: str | None,
    roles: list[str],
    email: str | None = None,
    platform_admin: bool = False,
    uid: str | None = None,
) -> SignedInUser:
    """Create (or reuse) a user with the foundation's claims and sign them in."""
    from firebase_admin import auth

    from shared.clients import admin_app

    uid = uid or unique_id("user")
    email = email or f"{uid}@example.test"
    app = admin_app()
    try:
        auth.create_user(uid=uid, email=email, password=PASSWORD, app=app)
    except auth.UidAlreadyExistsError:
        auth.update_user(uid, email=email, password=PASSWORD, app=app)
    claims: dict[str, Any] = {"roles": roles, "products": ["core", "projects"], "appUserId": uid}
    if tenant_id:
        claims["tenantId"] = tenant_id
    if platform_admin:
        claims["platformAdmin"] = True
    auth.set_custom_user_claims(uid, claims, app=app)
    return SignedInUser(uid=uid, email=email, id_token=sign_in(email), claims=claims)


def auth_account(uid: str) -> Any:
    """The Auth emulator's record of ``uid`` (``disabled``, claims...), or None if it is gone."""
    from firebase_admin import auth

    from shared.clients import admin_app

    try:
        return auth.get_user(uid, app=admin_app())
    except auth.UserNotFoundError:
        return None


def token_refused(id_token: str) -> bool:
    """Whether the revocation-aware check refuses ``id_token`` (revoked, or the account is
    disabled). The Auth emulator keeps minting tokens from revoked refresh tokens, so this is
    how tests prove a session is over."""
    from firebase_admin import auth

    from shared.clients import admin_app

    try:
        auth.verify_id_token(id_token, app=admin_app(), check_revoked=True)
    except (auth.RevokedIdTokenError, auth.UserDisabledError):
        return True
    return False
