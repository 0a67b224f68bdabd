"""The pure parts of the shared package: errors, paths, cursors, permissions, auth context,
models and claims. No emulators: these run in milliseconds."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from enum import StrEnum

import pytest
from pydantic import BaseModel, ValidationError

from shared import claims, cursors, paths
from shared.auth_context import AuthContext
from shared.errors import InvalidArgument, PermissionDenied, Unauthenticated, invalid_argument_from
from shared.models import Document, Email, Model, RequestModel, to_firestore_value
from shared.permissions import role_catalog


# -- errors -------------------------------------------------------------------------------------
class Nested(RequestModel):
    name: str


class Outer(RequestModel):
    items: list[Nested]
    due_at: datetime


def test_a_validation_error_names_every_bad_field_in_camel_case():
    with pytest.raises(ValidationError) as raised:
        Outer.model_validate({"items": [{"name": 1}], "dueAt": "never", "extra": True})
    error = invalid_argument_from(raised.value)
    assert error.code == "invalid-argument"
    assert sorted(f["field"] for f in error.fields) == ["dueAt", "extra", "items.0.name"]
    assert error.details["type"] == "validation/invalid"


def test_error_details_carry_type_fields_and_extras():
    error = PermissionDenied("no", type="roles/unencompassed", role="admin")
    assert error.details == {"type": "roles/unencompassed", "role": "admin"}
    assert error.code == "permission-denied"


# -- paths --------------------------------------------------------------------------------------
def test_paths_are_tenant_scoped_and_refuse_bad_ids():
    assert str(paths.tenant_collection("t1", "projects").document("p1")) == (
        "tenants/t1/projects/p1"
    )
    assert str(paths.subcollection("t1", "projects", "p1", "tasks")) == (
        "tenants/t1/projects/p1/tasks"
    )
    for bad in ("", "a/b", "..", "__id__"):
        with pytest.raises(InvalidArgument):
            paths.tenant(bad)


# -- cursors ------------------------------------------------------------------------------------
@pytest.fixture
def cursor_secret(monkeypatch):
    from shared.settings import get_settings

    monkeypatch.setenv("FOUNDATION_CURSOR_SECRET", "unit-test-secret")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _unsigned(values: list) -> str:
    """A cursor as a client could craft it: the right encoding, no valid signature."""
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_round_trips_timestamps_and_ids(cursor_secret):
    at = datetime(2030, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    cursor = cursors.encode([at, 3, "doc-1"], "tenants/t/projects?createdAt:desc")
    assert cursors.decode(cursor, 3, "tenants/t/projects?createdAt:desc") == [at, 3, "doc-1"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: "%%%",
        lambda: "eyJhIjoxfQ",
        lambda: _unsigned(["a/b"]),
        lambda: _unsigned([{"$ts": "bad"}, "x"]),
        lambda: cursors.encode(["only-one"], "scope") + "x",
        lambda: cursors.encode(["only-one"], "scope").replace(".", ".A"),
        lambda: cursors.encode(["only-one"], "scope"),
        lambda: cursors.encode(["x", "doc"], "another-scope"),
        lambda: cursors.encode([1, 2], "scope"),
    ],
    ids=[
        "not-base64",
        "not-a-list",
        "unsigned-slash-id",
        "unsigned-bad-timestamp",
        "tampered-signature",
        "shifted-signature",
        "wrong-length",
        "another-query",
        "id-not-a-string",
    ],
)
def test_a_crafted_foreign_or_tampered_cursor_is_invalid_argument_on_the_cursor_field(
    cursor_secret, make
):
    with pytest.raises(InvalidArgument) as raised:
        cursors.decode(make(), 2, "scope")
    assert [f["field"] for f in raised.value.fields] == ["cursor"]


def test_cursors_need_a_secret_outside_the_emulators(monkeypatch):
    from shared.settings import get_settings

    for name in (
        "FOUNDATION_CURSOR_SECRET",
        "FIRESTORE_EMULATOR_HOST",
        "FIREBASE_AUTH_EMULATOR_HOST",
        "PUBSUB_EMULATOR_HOST",
        "STORAGE_EMULATOR_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="FOUNDATION_CURSOR_SECRET"):
            cursors.encode(["doc"])
    finally:
        get_settings.cache_clear()


# -- permissions and auth context ---------------------------------------------------------------
def test_roles_grant_their_declared_permissions_with_wildcards():
    catalog = role_catalog()
    assert catalog.allows(["member"], "example.tasks.create")
    assert not catalog.allows(["member"], "example.projects.create")
    assert catalog.allows(["tenant-admin"], "tenant.update")
    assert not catalog.allows(["tenant-admin"], "customers.create")
    assert catalog.allows(["platform-admin"], "customers.create")
    assert not catalog.allows(["no-such-role"], "example.tasks.create")


def test_the_auth_context_comes_from_claims_and_refuses_anonymous_callers():
    with pytest.raises(Unauthenticated):
        AuthContext.from_claims(None, {})
    ctx = AuthContext.from_claims("u1", {"tenantId": "t1", "roles": ["member"]})
    assert (ctx.uid, ctx.tenant_id, ctx.roles, ctx.platform_admin) == (
        "u1",
        "t1",
        ("member",),
        False,
    )
    assert ctx.app_user_id == "u1"


def test_a_payload_naming_another_tenant_is_a_tenant_mismatch():
    ctx = AuthContext.from_claims("u1", {"tenantId": "t1", "roles": ["tenant-admin"]})
    assert ctx.tenant() == ctx.tenant("t1") == "t1"
    with pytest.raises(PermissionDenied) as raised:
        ctx.tenant("t2")
    assert raised.value.type == "tenant/mismatch"


def test_platform_admins_act_on_the_tenant_they_name_and_users_without_one_on_none():
    admin = AuthContext.from_claims("a", {"platformAdmin": True})
    assert admin.tenant("t9") == "t9"
    assert admin.can("anything.at.all")
    with pytest.raises(PermissionDenied) as raised:
        AuthContext.from_claims("u", {"roles": ["member"]}).tenant()
    assert raised.value.type == "tenant/none"


def test_require_names_the_missing_permission():
    ctx = AuthContext.from_claims("u1", {"tenantId": "t1", "roles": ["member"]})
    with pytest.raises(PermissionDenied) as raised:
        ctx.require("example.projects.create")
    assert raised.value.details["permission"] == "example.projects.create"


# -- models -------------------------------------------------------------------------------------
class Colour(StrEnum):
    RED = "red"


class Inner(Model):
    first_name: str


class Thing(Document):
    colour: Colour
    inner: Inner
    seen_at: datetime | None = None


def test_documents_store_camel_case_enums_by_value_and_nested_maps_without_the_id():
    thing = Thing(id="x1", colour=Colour.RED, inner=Inner(first_name="Ada"))
    stored = thing.to_firestore()
    assert "id" not in stored
    assert stored["colour"] == "red"
    assert stored["inner"] == {"firstName": "Ada"}
    assert Thing.from_firestore("x1", stored) == thing


def test_models_inside_update_values_become_camel_case_maps():
    assert to_firestore_value({"a": Inner(first_name="Bo")}) == {"a": {"firstName": "Bo"}}


def test_request_models_refuse_unknown_fields_and_documents_ignore_them():
    with pytest.raises(ValidationError):
        Nested.model_validate({"name": "a", "nmae": "b"})
    assert Thing.from_firestore("x", {"colour": "red", "inner": {"firstName": "A"}, "new": 1})


class Signup(BaseModel):
    email: Email


@pytest.mark.parametrize("good", ["Ada@Example.COM", "a.b+c@sub.example.co.uk"])
def test_emails_are_validated_and_lower_cased(good):
    assert Signup(email=good).email == good.lower()


@pytest.mark.parametrize("bad", ["", "ada", "ada@", "@example.com", "a b@example.com", "a@b"])
def test_implausible_emails_are_refused(bad):
    with pytest.raises(ValidationError):
        Signup(email=bad)


# -- claims -------------------------------------------------------------------------------------
def test_claims_are_normalised_for_the_token():
    token = claims.validate(
        {"tenantId": "t1", "appUserId": "u1", "roles": ["member", "member"], "products": ["b", "a"]}
    )
    assert token == {
        "tenantId": "t1",
        "appUserId": "u1",
        "roles": ["member"],
        "products": ["a", "b"],
    }


def test_claims_of_an_unknown_shape_name_the_field():
    with pytest.raises(InvalidArgument) as raised:
        claims.validate({"tenantId": "t/1", "colour": "red"})
    assert {f["field"] for f in raised.value.fields} == {"tenantId", "colour"}


def test_claims_over_1000_bytes_are_refused_before_reaching_the_auth_api():
    many = [f"role-number-{i:03d}-with-a-long-name" for i in range(20)]
    with pytest.raises(InvalidArgument) as raised:
        claims.validate({"tenantId": "t1", "roles": many, "products": many})
    assert raised.value.type == "claims/too-large"
    assert raised.value.details["size"] > claims.MAX_BYTES
