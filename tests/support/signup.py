"""Signing up through the Auth emulator's REST API, as the Firebase JS SDK does."""

from __future__ import annotations

import base64
import json
from typing import Any

import requests

from tests.support.emulators import host
from tests.support.users import PASSWORD


def sign_up(email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Create an account by email and password; the answer's ``idToken`` and ``localId``.
    Blocking functions (``before_user_created``) run inside this call."""
    url = (
        f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/identitytoolkit.googleapis.com/v1/"
        "accounts:signUp?key=demo-api-key"
    )
    answer = requests.post(
        url, json={"email": email, "password": password, "returnSecureToken": True}, timeout=60
    )
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


def token_claims(id_token: str) -> dict[str, Any]:
    """The payload of an ID token (the emulator's tokens are unsigned; read, not verified)."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]
