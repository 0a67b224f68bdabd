"""A tenant's API keys: create, list, rotate, revoke, and revoke them all (deactivation).

The key format, hashing and verification live in :mod:`shared.api_keys`, so any service can
authenticate a request by key; this module decides who gets a key with which scopes. The
plaintext of a key is answered once (create, rotate) and never stored. The commands take a
unit of work (``shared.unit_of_work``); the callables run them in a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from customer import repositories as repos
from customer.models.keys import CreateApiKey, ListApiKeys, ScopeCatalog
from customer.models.tenants import TenantStatus
from shared.api_keys import ApiKey, ApiKeyStatus, issue_secret
from shared.errors import FailedPrecondition, InvalidArgument, ResourceExhausted
from shared.repository import Order, Page, where
from shared.static_config import load_static
from shared.unit_of_work import UnitOfWork

MAX_ACTIVE_KEYS = 50
"""Active keys per tenant: bounds ``revoke_all_keys`` well within a transaction's 500 writes."""


@dataclass(frozen=True)
class IssuedKey:
    """A key just created or rotated, with its plaintext (to answer once, never to store)."""

    key: ApiKey
    plaintext: str


def scope_catalog() -> ScopeCatalog:
    """``static/api_scopes.yaml``, read and validated once per process on first use."""
    return load_static("api_scopes.yaml", ScopeCatalog)


def check_scopes(scopes: list[str]) -> list[str]:
    """The scopes, deduplicated and sorted; ``invalid-argument`` naming ``scopes`` if unknown."""
    unknown = sorted(set(scopes) - set(scope_catalog().scopes))
    if unknown:
        raise InvalidArgument(
            f"Unknown scopes: {', '.join(unknown)}",
            fields=[{"field": "scopes", "message": f"unknown: {', '.join(unknown)}"}],
        )
    return sorted(set(scopes))


def create_api_key(
    uow: UnitOfWork, tenant_id: str, created_by: str, command: CreateApiKey
) -> IssuedKey:
    """Issue a key for an active tenant; answers the plaintext once.

    The tenant is read in the same unit that creates the key, so a key cannot slip in after a
    deactivation that revoked all keys has committed. (The count of active keys is a query,
    outside the transaction: the limit bounds a tenant's keys, it is no exact quota.)
    """
    scopes = check_scopes(command.scopes)
    now = datetime.now(UTC)
    if command.expires_at is not None and command.expires_at <= now:
        raise InvalidArgument(
            "The expiry is in the past",
            fields=[{"field": "expiresAt", "message": "must be in the future"}],
        )
    keys = uow.bind(repos.api_keys(tenant_id))
    if keys.count(where("status", "==", ApiKeyStatus.ACTIVE)) >= MAX_ACTIVE_KEYS:
        raise ResourceExhausted(
            f"A tenant holds at most {MAX_ACTIVE_KEYS} active API keys; revoke one first",
            type="api-key/limit",
        )
    key_id = keys.new_id()
    issued = issue_secret(tenant_id, key_id)
    key = ApiKey(
        id=key_id,
        tenant_id=tenant_id,
        name=command.name,
        scopes=scopes,
        prefix=issued.prefix,
        salt=issued.salt,
        secret_hash=issued.secret_hash,
        expires_at=command.expires_at,
        created_by=created_by,
    )
    _require_active_tenant(uow, tenant_id)
    return IssuedKey(keys.create(key), issued.plaintext)


def list_api_keys(tenant_id: str, command: ListApiKeys) -> Page[ApiKey]:
    """Every key of the tenant, revoked ones included, newest first."""
    return repos.api_keys(tenant_id).query(
        order_by=[Order("created_at", "desc")], limit=command.limit, cursor=command.cursor
    )


def rotate_api_key(uow: UnitOfWork, tenant_id: str, key_id: str) -> IssuedKey:
    """A new secret for the same key id: the old secret stops working when this commits."""
    keys = uow.bind(repos.api_keys(tenant_id))
    key = keys.require(key_id)
    now = datetime.now(UTC)
    if key.status is not ApiKeyStatus.ACTIVE:
        raise FailedPrecondition("A revoked API key cannot be rotated", type="api-key/revoked")
    if key.expires_at is not None and key.expires_at <= now:
        raise FailedPrecondition("An expired API key cannot be rotated", type="api-key/expired")
    issued = issue_secret(tenant_id, key_id)
    changes = {
        "prefix": issued.prefix,
        "salt": issued.salt,
        "secret_hash": issued.secret_hash,
        "rotated_at": now,
    }
    keys.update(key_id, changes)
    return IssuedKey(key.model_copy(update=changes), issued.plaintext)


def revoke_api_key(uow: UnitOfWork, tenant_id: str, key_id: str, revoked_by: str) -> ApiKey:
    """Revoke the key at once; revoking a revoked key changes nothing (idempotent)."""
    keys = uow.bind(repos.api_keys(tenant_id))
    key = keys.require(key_id)
    if key.status is not ApiKeyStatus.ACTIVE:
        return key
    changes = _revocation(revoked_by)
    keys.update(key_id, changes)
    return key.model_copy(update=changes)


def revoke_all_keys(
    uow: UnitOfWork, tenant_id: str, *, revoked_by: str = "tenant-deactivation"
) -> list[str]:
    """Stage the revocation of every active key of the tenant in the unit; answers their ids.

    For the tenant's deactivation, inside its unit. It only stages writes, so it may be
    called before or after the caller's own reads. The active keys are found by a query (no
    lock): a key created concurrently could be missed, but ``create_api_key`` reads the tenant
    in its unit (so it fails once the deactivation commits) and
    ``shared.api_keys.authenticate`` refuses every key of a tenant that is not active anyway.
    """
    keys = uow.bind(repos.api_keys(tenant_id))
    active = [k.id for k in keys.find(where("status", "==", ApiKeyStatus.ACTIVE))]
    changes = _revocation(revoked_by)
    for key_id in active:
        keys.update(key_id, changes)
    return active


def _revocation(revoked_by: str) -> dict[str, object]:
    return {
        "status": ApiKeyStatus.REVOKED,
        "revoked_at": datetime.now(UTC),
        "revoked_by": revoked_by,
    }


def _require_active_tenant(uow: UnitOfWork, tenant_id: str) -> None:
    tenant = uow.bind(repos.tenants()).require(tenant_id)
    if tenant.status is not TenantStatus.ACTIVE:
        raise FailedPrecondition("The tenant is not active", type="tenant/inactive")
