"""Tenant API keys: their format, hashing, and authenticating an external request by one.

A key reads ``fsk.<tenantId>.<keyId>.<secret>``. It names its own document
(``tenants/{tenantId}/apiKeys/{keyId}``), so authenticating a request costs one batched read of
that document and its tenant. The secret is 32 random bytes from :mod:`secrets`, base64url
without padding (43 characters of ``A-Z a-z 0-9 - _``); key ids are Firestore auto-ids
(``A-Z a-z 0-9``). Neither can hold a dot, so the key splits from the right unambiguously even
if a tenant id were to contain one.

Only a salted hash of the secret is stored (:func:`hash_secret`); the plaintext is shown once,
when the key is created or rotated. The customer service issues, rotates and revokes keys with
these functions; any service authenticates an external request with :func:`authenticate`.
"""

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import Field

from shared import paths
from shared.errors import InvalidArgument, PermissionDenied, Unauthenticated
from shared.models import Document
from shared.repository import CollectionRepository

API_KEYS = "apiKeys"
"""The collection under each tenant: ``tenants/{tenantId}/apiKeys/{keyId}``."""
KEY_PREFIX = "fsk"
SEPARATOR = "."
SECRET_BYTES = 32
PREFIX_LENGTH = 6
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
_KEY_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_MAX_KEY_LENGTH = 512


class ApiKeyStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class ApiKey(Document):
    """``tenants/{tenantId}/apiKeys/{keyId}``: never readable by clients (default deny).

    ``salt`` and ``secret_hash`` never leave the functions: answers use the customer service's
    ``ApiKeyPublic``.
    """

    tenant_id: str
    name: str = Field(description="What the key is for, chosen by the tenant admin.")
    scopes: list[str] = Field(description="Scopes of static/api_scopes.yaml the key grants.")
    prefix: str = Field(
        description="The first characters of the secret, to tell keys apart in lists."
    )
    salt: str = Field(repr=False, description="Per-secret random salt (hex).")
    secret_hash: str = Field(repr=False, description="HMAC-SHA256 of the secret (hex).")
    status: ApiKeyStatus = ApiKeyStatus.ACTIVE
    expires_at: datetime | None = Field(default=None, description="None: never expires.")
    created_by: str
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None


def api_key_repository(tenant_id: str) -> CollectionRepository[ApiKey]:
    """``tenants/{tenantId}/apiKeys``."""
    return CollectionRepository(ApiKey, paths.tenant_collection(tenant_id, API_KEYS))


class Headers(Protocol):
    """A request's headers: a dict, or the ``Headers`` of a Flask/werkzeug request."""

    def items(self) -> Iterable[tuple[str, str]]: ...


# -- format and hashing (pure) ----------------------------------------------------------------
@dataclass(frozen=True)
class ParsedKey:
    """The parts of a presented key (not yet verified)."""

    tenant_id: str
    key_id: str
    secret: str


@dataclass(frozen=True)
class IssuedSecret:
    """A new secret: the plaintext key to show once, and what to store instead of it."""

    plaintext: str = field(repr=False)
    prefix: str
    salt: str
    secret_hash: str = field(repr=False)


def new_secret() -> str:
    """32 random bytes, base64url without padding (43 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def format_key(tenant_id: str, key_id: str, secret: str) -> str:
    """``fsk.<tenantId>.<keyId>.<secret>``."""
    return SEPARATOR.join((KEY_PREFIX, tenant_id, key_id, secret))


def parse_key(raw: str) -> ParsedKey | None:
    """The parts of a key, or None when it is not shaped like one of ours."""
    if len(raw) > _MAX_KEY_LENGTH or not raw.startswith(KEY_PREFIX + SEPARATOR):
        return None
    parts = raw[len(KEY_PREFIX) + 1 :].rsplit(SEPARATOR, 2)
    if len(parts) != 3:
        return None
    tenant_id, key_id, secret = parts
    if not _valid_tenant_id(tenant_id) or not _KEY_ID.fullmatch(key_id):
        return None
    if not _SECRET.fullmatch(secret):
        return None
    return ParsedKey(tenant_id, key_id, secret)


def hash_secret(tenant_id: str, key_id: str, secret: str, salt: str) -> str:
    """HMAC-SHA256, keyed by the salt, over the key's location and its secret (hex).

    A fast hash is the right tool here: the secret is 256 random bits, so no amount of guessing
    speed makes a stolen hash reversible; slow password hashes (bcrypt, scrypt, Argon2) exist to
    stretch low-entropy human passwords, and would only make every API request pay tens of
    milliseconds of CPU (and hand attackers a cheap way to burn it). The per-key salt keeps
    equal secrets from having equal hashes; hashing the tenant and key ids in binds a hash to
    its document, so a hash copied onto another key does not make that key's secret valid.
    """
    message = SEPARATOR.join((tenant_id, key_id, secret)).encode()
    return hmac.new(bytes.fromhex(salt), message, hashlib.sha256).hexdigest()


def issue_secret(tenant_id: str, key_id: str) -> IssuedSecret:
    """A fresh secret for the key ``key_id`` of ``tenant_id`` (on create and on rotate)."""
    secret = new_secret()
    salt = secrets.token_hex(16)
    return IssuedSecret(
        plaintext=format_key(tenant_id, key_id, secret),
        prefix=secret[:PREFIX_LENGTH],
        salt=salt,
        secret_hash=hash_secret(tenant_id, key_id, secret, salt),
    )


def key_from_headers(headers: Headers) -> str:
    """The key from ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``.

    ``unauthenticated`` when neither is present, or when both are and disagree.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    scheme, _, value = (lowered.get("authorization") or "").strip().partition(" ")
    from_bearer = value.strip() if scheme.lower() == "bearer" else ""
    from_header = (lowered.get("x-api-key") or "").strip()
    if from_bearer and from_header and from_bearer != from_header:
        raise _refused("Two different API keys were presented")
    key = from_bearer or from_header
    if not key:
        raise Unauthenticated(
            "An API key is required (Authorization: Bearer <key> or X-Api-Key)",
            type="api-key/missing",
        )
    return key


# -- verification -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ApiKeyContext:
    """Who is calling with an API key: its tenant, the key, and the scopes it grants."""

    tenant_id: str
    key_id: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def require(self, scope: str) -> None:
        """Refuse with ``permission-denied`` unless the key grants ``scope``."""
        if not self.allows(scope):
            raise PermissionDenied(
                f"The API key lacks the scope {scope}", type="api-key/missing-scope", scope=scope
            )


_DUMMY_SALT = "00" * 16
_DUMMY_HASH = hash_secret("tenant", "key", "x" * 43, _DUMMY_SALT)


def check_key(
    parsed: ParsedKey,
    key: ApiKey | None,
    tenant_status: str | None,
    now: datetime | None = None,
) -> ApiKeyContext:
    """Verify a presented key against its stored document and its tenant's status (pure).

    The hash is compared in constant time, and compared against a dummy when the document is
    missing, so the answer's timing tells an unknown key from a wrong secret no better than the
    answer does. Only a caller who proved the secret learns that the key is revoked or expired.
    """
    salt, stored = (key.salt, key.secret_hash) if key is not None else (_DUMMY_SALT, _DUMMY_HASH)
    presented = hash_secret(parsed.tenant_id, parsed.key_id, parsed.secret, salt)
    matches = hmac.compare_digest(presented.encode(), stored.encode())
    if key is None or not matches or key.tenant_id != parsed.tenant_id:
        raise _refused("The API key is not valid")
    if key.status is not ApiKeyStatus.ACTIVE:
        raise _refused("The API key was revoked", type="api-key/revoked")
    now = now or datetime.now(UTC)
    if key.expires_at is not None and key.expires_at <= now:
        raise _refused("The API key has expired", type="api-key/expired")
    if tenant_status != "active":
        raise _refused("The API key's tenant is not active", type="api-key/tenant-inactive")
    return ApiKeyContext(parsed.tenant_id, parsed.key_id, frozenset(key.scopes))


def authenticate(headers: Headers) -> ApiKeyContext:
    """Authenticate an external request by its API key: its tenant, key id and scopes.

    One batched read fetches the key's document and its tenant's (for the tenant's ``status``).
    ``unauthenticated`` for a missing, malformed, unknown, wrong, revoked or expired key, or a
    key of a tenant whose document is missing or whose ``status`` is not ``active``.
    """
    parsed = parse_key(key_from_headers(headers))
    if parsed is None:
        raise _refused("The API key is not valid")
    key, tenant_status = _load(parsed)
    return check_key(parsed, key, tenant_status)


def _load(parsed: ParsedKey) -> tuple[ApiKey | None, str | None]:
    """The key's document and its tenant's status, in one ``BatchGetDocuments`` round trip."""
    from shared.clients import firestore_client

    keys = api_key_repository(parsed.tenant_id)
    key_ref = keys.ref(parsed.key_id)
    tenant_ref = firestore_client().document(str(paths.tenant(parsed.tenant_id)))
    key: ApiKey | None = None
    tenant_status: str | None = None
    for snapshot in firestore_client().get_all([key_ref, tenant_ref]):
        if not snapshot.exists:
            continue
        if snapshot.reference.path == key_ref.path:
            key = ApiKey.from_firestore(snapshot.id, snapshot.to_dict() or {})
        else:
            status = (snapshot.to_dict() or {}).get("status")
            tenant_status = str(status) if status is not None else None
    return key, tenant_status


def _valid_tenant_id(value: str) -> bool:
    try:
        paths.check_id(value, "tenantId")
    except InvalidArgument:
        return False
    return value.isprintable() and " " not in value


def _refused(message: str, *, type: str = "api-key/invalid") -> Unauthenticated:
    return Unauthenticated(message, type=type)
