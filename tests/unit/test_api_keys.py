"""API keys without I/O: the key format, hashing, header parsing, verification against a stored
key, the public model and the scope catalog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from customer.keys import check_scopes, scope_catalog
from customer.models.keys import ApiKeyPublic, ScopeCatalog
from shared import api_keys
from shared.api_keys import ApiKey, ApiKeyStatus, ParsedKey
from shared.errors import InvalidArgument, PermissionDenied, Unauthenticated

TENANT, KEY_ID = "tenant-abc123", "K3yId0123456789abcde"


def stored_key(**changes: object) -> tuple[str, ApiKey]:
    """A plaintext key and the document stored for it."""
    issued = api_keys.issue_secret(TENANT, KEY_ID)
    key = ApiKey(
        id=KEY_ID,
        tenant_id=TENANT,
        name="CI",
        scopes=["users.read"],
        prefix=issued.prefix,
        salt=issued.salt,
        secret_hash=issued.secret_hash,
        created_by="admin",
    )
    return issued.plaintext, key.model_copy(update=changes)


def parsed(plaintext: str) -> ParsedKey:
    found = api_keys.parse_key(plaintext)
    assert found is not None
    return found


# -- format -------------------------------------------------------------------------------------
def test_a_key_names_its_tenant_and_id_and_carries_a_256_bit_secret():
    plaintext, _ = stored_key()
    key = parsed(plaintext)
    assert plaintext.startswith(f"fsk.{TENANT}.{KEY_ID}.")
    assert (key.tenant_id, key.key_id, len(key.secret)) == (TENANT, KEY_ID, 43)


def test_secrets_with_dashes_and_underscores_and_tenant_ids_with_dots_parse_back():
    for tenant_id in ("t1", "tenant-x_y", "acme.eu"):
        secret = "-_" * 21 + "A"
        key = parsed(api_keys.format_key(tenant_id, KEY_ID, secret))
        assert (key.tenant_id, key.key_id, key.secret) == (tenant_id, KEY_ID, secret)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "fsk",
        "fsk.",
        f"sk.{TENANT}.{KEY_ID}.{'a' * 43}",
        f"fsk.{TENANT}.{'a' * 43}",
        f"fsk.{TENANT}.{KEY_ID}.{'a' * 42}",
        f"fsk.{TENANT}.{KEY_ID}.{'a' * 44}",
        f"fsk.{TENANT}.{KEY_ID}.{'a' * 42}=",
        f"fsk.{TENANT}.key-id.{'a' * 43}",
        f"fsk.ten/ant.{KEY_ID}.{'a' * 43}",
        f"fsk..{KEY_ID}.{'a' * 43}",
        f"fsk.__x__.{KEY_ID}.{'a' * 43}",
        f"fsk.{'t' * 600}.{KEY_ID}.{'a' * 43}",
    ],
)
def test_anything_not_shaped_like_a_key_does_not_parse(raw):
    assert api_keys.parse_key(raw) is None


def test_every_secret_is_new_and_only_its_prefix_is_kept_in_clear():
    first, second = api_keys.issue_secret(TENANT, KEY_ID), api_keys.issue_secret(TENANT, KEY_ID)
    assert first.plaintext != second.plaintext
    assert first.salt != second.salt
    assert parsed(first.plaintext).secret.startswith(first.prefix)
    assert len(first.prefix) == api_keys.PREFIX_LENGTH
    assert first.plaintext not in repr(first)


# -- hashing ------------------------------------------------------------------------------------
def test_the_hash_depends_on_salt_secret_tenant_and_key_id():
    salt, secret = "ab" * 16, "s" * 43
    base = api_keys.hash_secret(TENANT, KEY_ID, secret, salt)
    assert base == api_keys.hash_secret(TENANT, KEY_ID, secret, salt)
    assert len(base) == 64
    assert base != api_keys.hash_secret(TENANT, KEY_ID, secret, "cd" * 16)
    assert base != api_keys.hash_secret(TENANT, KEY_ID, "t" * 43, salt)
    assert base != api_keys.hash_secret("other", KEY_ID, secret, salt)
    assert base != api_keys.hash_secret(TENANT, "OtherKey", secret, salt)


def test_the_stored_hash_is_not_the_secret():
    plaintext, key = stored_key()
    secret = parsed(plaintext).secret
    assert secret not in key.secret_hash
    assert secret not in str(key.to_firestore())
    assert "secret_hash" not in repr(key) and key.secret_hash not in repr(key)


# -- headers ------------------------------------------------------------------------------------
def test_the_key_comes_from_a_bearer_header_or_x_api_key_whatever_the_case():
    assert api_keys.key_from_headers({"Authorization": "Bearer fsk.a"}) == "fsk.a"
    assert api_keys.key_from_headers({"authorization": "bearer  fsk.a "}) == "fsk.a"
    assert api_keys.key_from_headers({"X-Api-Key": "fsk.b"}) == "fsk.b"
    assert api_keys.key_from_headers({"x-api-key": "fsk.b", "Authorization": "Bearer fsk.b"})


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({}, "api-key/missing"),
        ({"Authorization": "Basic abc"}, "api-key/missing"),
        ({"Authorization": "Bearer "}, "api-key/missing"),
        ({"X-Api-Key": "  "}, "api-key/missing"),
        ({"Authorization": "Bearer fsk.a", "X-Api-Key": "fsk.b"}, "api-key/invalid"),
    ],
)
def test_no_key_or_two_different_keys_are_unauthenticated(headers, kind):
    with pytest.raises(Unauthenticated) as refused:
        api_keys.key_from_headers(headers)
    assert refused.value.type == kind


# -- verification -------------------------------------------------------------------------------
def test_the_right_secret_yields_the_tenant_the_key_and_its_scopes():
    plaintext, key = stored_key()
    context = api_keys.check_key(parsed(plaintext), key, "active")
    assert (context.tenant_id, context.key_id, context.scopes) == (
        TENANT,
        KEY_ID,
        frozenset({"users.read"}),
    )
    context.require("users.read")
    with pytest.raises(PermissionDenied) as refused:
        context.require("projects.read")
    assert refused.value.details == {"type": "api-key/missing-scope", "scope": "projects.read"}


def refusal(plaintext: str, key: ApiKey | None, tenant_status: str | None = "active") -> str:
    with pytest.raises(Unauthenticated) as refused:
        api_keys.check_key(parsed(plaintext), key, tenant_status)
    return refused.value.type


def test_a_tampered_secret_or_a_missing_key_is_refused_alike():
    plaintext, key = stored_key()
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert refusal(tampered, key) == "api-key/invalid"
    assert refusal(plaintext, None) == "api-key/invalid"


def test_a_hash_copied_onto_another_key_does_not_validate_that_key():
    plaintext, key = stored_key()
    other_key = parsed(plaintext)
    moved = api_keys.format_key(TENANT, "AnotherKeyId", other_key.secret)
    assert refusal(moved, key.model_copy(update={"id": "AnotherKeyId"})) == "api-key/invalid"


def test_revoked_expired_and_inactive_tenants_keys_are_refused_with_their_reason():
    plaintext, key = stored_key()
    past = datetime.now(UTC) - timedelta(seconds=1)
    assert refusal(plaintext, key.model_copy(update={"status": ApiKeyStatus.REVOKED})) == (
        "api-key/revoked"
    )
    assert refusal(plaintext, key.model_copy(update={"expires_at": past})) == "api-key/expired"
    assert refusal(plaintext, key, "deactivated") == "api-key/tenant-inactive"
    assert refusal(plaintext, key, None) == "api-key/tenant-inactive"


def test_a_key_with_a_future_expiry_is_accepted():
    plaintext, key = stored_key(expires_at=datetime.now(UTC) + timedelta(days=1))
    assert api_keys.check_key(parsed(plaintext), key, "active").key_id == KEY_ID


# -- public model and scopes --------------------------------------------------------------------
def test_the_public_model_never_carries_salt_or_hash():
    _, key = stored_key()
    wire = ApiKeyPublic.of(key).to_wire()
    assert "salt" not in wire and "secretHash" not in wire
    assert key.salt not in str(wire) and key.secret_hash not in str(wire)
    assert wire["prefix"] == key.prefix and wire["scopes"] == ["users.read"]


def test_the_declared_scopes_load_and_unknown_ones_are_refused_naming_scopes():
    assert {"users.read", "projects.read"} <= set(scope_catalog().scopes)
    assert check_scopes(["users.read", "projects.read", "users.read"]) == [
        "projects.read",
        "users.read",
    ]
    with pytest.raises(InvalidArgument) as refused:
        check_scopes(["users.read", "users.write"])
    assert refused.value.fields[0]["field"] == "scopes"
    assert "users.write" in refused.value.message


def test_a_scope_catalog_with_a_malformed_name_is_refused_at_load():
    with pytest.raises(ValidationError):
        ScopeCatalog.model_validate({"scopes": {"Users Read": {"description": "x"}}})
    with pytest.raises(ValidationError):
        ScopeCatalog.model_validate({"scopes": {}})
