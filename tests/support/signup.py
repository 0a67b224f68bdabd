"""Signing up and in through the Auth emulator's REST API, as the Firebase JS SDK does.

Blocking functions (``before_user_created``, ``before_user_signed_in``) run inside these calls.
``sign_up`` makes an email/password account (email not verified); ``sign_in_with_google`` signs
in with a fake Google credential whose email the provider asserts as verified (the emulator
accepts a JSON id_token); ``verify_email`` marks an account's email verified, as following the
verification link would.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import uuid
from typing import Any

import requests

from tests.support.emulators import host
from tests.support.users import PASSWORD, SignedInUser, sign_in


def _identity_toolkit(method: str, body: dict[str, Any]) -> dict[str, Any]:
    url = (
        f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/identitytoolkit.googleapis.com/v1/"
        f"accounts:{method}?key=demo-api-key"
    )
    answer = requests.post(url, json={**body, "returnSecureToken": True}, timeout=60)
    assert answer.ok, answer.text
    return answer.json()


def sign_up(email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Create an account by email and password; the answer's ``idToken`` and ``localId``."""
    return _identity_toolkit("signUp", {"email": email, "password": password})


def signed_up(email: str) -> SignedInUser:
    """An email/password sign-up, as the user it made (claims read from the first token)."""
    answer = sign_up(email)
    return _user(answer, email)


def sign_in_with_google(email: str, *, verified: bool = True) -> SignedInUser:
    """Sign in (and up, the first time) with a Google credential asserting ``email``."""
    claims = {"sub": f"g-{uuid.uuid5(uuid.NAMESPACE_URL, email).hex}", "email": email}
    claims["email_verified"] = verified  # type: ignore[assignment]
    body = urllib.parse.urlencode({"id_token": json.dumps(claims), "providerId": "google.com"})
    answer = _identity_toolkit(
        "signInWithIdp", {"requestUri": "http://localhost", "postBody": body}
    )
    return _user(answer, email)


def verify_email(uid: str) -> None:
    """Mark the account's email verified (what the verification link does)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    auth.update_user(uid, email_verified=True, app=admin_app())


def signed_in_again(user: SignedInUser) -> SignedInUser:
    """A fresh password sign-in of ``user`` (``before_user_signed_in`` runs)."""
    id_token = sign_in(user.email)
    return SignedInUser(user.uid, user.email, id_token, token_claims(id_token))


def _user(answer: dict[str, Any], email: str) -> SignedInUser:
    return SignedInUser(
        uid=answer["localId"],
        email=email,
        id_token=answer["idToken"],
        claims=token_claims(answer["idToken"]),
    )


def token_claims(id_token: str) -> dict[str, Any]:
    """The payload of an ID token (the emulator's tokens are unsigned; read, not verified)."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
