"""Invitation tokens: the proof, carried by the invitation link, that its holder got the email.

A token reads ``<tenantId>.<invitationId>.<secret>``: it names its invitation, so checking one
costs a single document read. The secret is 32 random bytes (base64url, 43 characters), the
same kind of secret as an API key's, and it is stored the same way: only a salted HMAC bound to
the tenant and invitation ids (:func:`shared.api_keys.hash_secret` explains why a fast keyed
hash is right for a high-entropy secret). Checking compares hashes in constant time. Inviting
the email again issues a new token (the old one stops working); accepting consumes it.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, field

from shared.api_keys import hash_secret, new_secret

SEPARATOR = "."
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
_INVITATION_ID = re.compile(r"inv-[0-9a-f]{24}")
_TENANT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the plaintext for the link (shown once) and what is stored instead."""

    plaintext: str = field(repr=False)
    salt: str
    token_hash: str = field(repr=False)


@dataclass(frozen=True)
class ParsedToken:
    tenant_id: str
    invitation_id: str
    secret: str = field(repr=False)


def issue(tenant_id: str, invitation_id: str) -> IssuedToken:
    """A fresh token for the invitation ``invitation_id`` of ``tenant_id``."""
    secret = new_secret()
    salt = secrets.token_hex(16)
    return IssuedToken(
        plaintext=SEPARATOR.join((tenant_id, invitation_id, secret)),
        salt=salt,
        token_hash=hash_secret(tenant_id, invitation_id, secret, salt),
    )


def parse(raw: str) -> ParsedToken | None:
    """The parts of a token, or None when it is not shaped like one of ours."""
    parts = raw.strip().rsplit(SEPARATOR, 2)
    if len(parts) != 3:
        return None
    tenant_id, invitation_id, secret = parts
    if not (
        _TENANT_ID.fullmatch(tenant_id)
        and _INVITATION_ID.fullmatch(invitation_id)
        and _SECRET.fullmatch(secret)
    ):
        return None
    return ParsedToken(tenant_id, invitation_id, secret)


def matches(token: ParsedToken, salt: str | None, token_hash: str | None) -> bool:
    """Whether ``token`` is the one whose hash is stored (constant-time comparison)."""
    if not salt or not token_hash:
        return False
    expected = hash_secret(token.tenant_id, token.invitation_id, token.secret, salt)
    return hmac.compare_digest(expected, token_hash)
