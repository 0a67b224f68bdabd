"""Tenant API keys through the Functions emulator: the callables that manage them, and the
``customer_api`` HTTPS endpoint that external systems call with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from customer import repositories as repos
from customer.keys import revoke_all_keys
from customer.models.tenants import TenantStatus
from example import repositories as example_repos
from example.models.projects import Project
from shared.clients import firestore_client
from shared.unit_of_work import in_transaction
from tests.integration.conftest import Tenant as TenantPeople
from tests.support.callables import CallableError, call
from tests.support.emulators import functions_url
from tests.support.tenants import seed_tenant
from tests.support.users import SignedInUser, create_user, unique_id

API = functions_url("customer_api")
_session = requests.Session()


# -- helpers ------------------------------------------------------------------------------------
@pytest.fixture
def home(tenant: TenantPeople) -> TenantPeople:
    seed_tenant(tenant.id)
    return tenant


@pytest.fixture
def away(other_tenant: TenantPeople) -> TenantPeople:
    seed_tenant(other_tenant.id)
    return other_tenant


def create_key(user: SignedInUser, scopes: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    payload = {"name": "CI export", "scopes": scopes or ["users.read", "projects.read"], **extra}
    return call("customer_create_api_key", payload, user)


def get(
    path: str,
    key: str | None = None,
    *,
    header: str = "Authorization",
    params: dict[str, Any] | None = None,
    method: str = "GET",
) -> requests.Response:
    """One request to ``customer_api``; its answer must be the endpoint's own JSON."""
    headers = {}
    if key is not None:
        headers[header] = f"Bearer {key}" if header == "Authorization" else key
    answer = _session.request(method, API + path, headers=headers, params=params, timeout=60)
    if not answer.headers.get("Content-Type", "").startswith("application/json"):
        raise AssertionError(
            f"customer_api: no answer of its own ({answer.status_code}): {answer.text}"
        )
    return answer


def error_of(answer: requests.Response) -> dict[str, Any]:
    return answer.json()["error"]


def profile(tenant_id: str, uid: str, **fields: Any) -> None:
    """A user profile as the auth service writes it (with fields the API must not show)."""
    now = datetime.now(UTC)
    firestore_client().document(f"tenants/{tenant_id}/users/{uid}").set(
        {
            "tenantId": tenant_id,
            "email": f"{uid}@example.test",
            "displayName": uid.title(),
            "roles": ["member"],
            "type": "business",
            "disabled": False,
            "phone": "+49 30 1234567",
            "jwtUpdatedAt": now,
            "createdAt": now,
            "updatedAt": now,
            **fields,
        }
    )


def project(tenant_id: str, name: str) -> Project:
    repo = example_repos.projects(tenant_id)
    return repo.create(Project(id=repo.new_id(), tenant_id=tenant_id, name=name, owner_id="u1"))


# -- managing keys ------------------------------------------------------------------------------
def test_creating_a_key_answers_the_plaintext_once_and_stores_only_a_salted_hash(home):
    answer = create_key(home.admin, expiresAt=(datetime.now(UTC) + timedelta(days=30)).isoformat())

    plaintext, key_id = answer["apiKey"], answer["keyId"]
    assert plaintext.startswith(f"fsk.{home.id}.{key_id}.")
    raw = firestore_client().document(f"tenants/{home.id}/apiKeys/{key_id}").get().to_dict()
    secret = plaintext.rsplit(".", 1)[1]
    assert raw is not None
    assert plaintext not in str(raw) and secret not in str(raw)
    assert raw["secretHash"] and raw["salt"] and raw["prefix"] == secret[:6]
    assert (raw["status"], raw["scopes"], raw["createdBy"]) == (
        "active",
        ["projects.read", "users.read"],
        home.admin.uid,
    )
    assert "secretHash" not in answer["key"] and "salt" not in answer["key"]
    listed = call("customer_list_api_keys", {}, home.admin)["apiKeys"]
    assert [k["id"] for k in listed] == [key_id]
    assert "apiKey" not in str(listed) and secret not in str(listed)
    assert "secretHash" not in listed[0] and "salt" not in listed[0]


def test_listing_pages_through_keys_newest_first(home):
    ids = [create_key(home.admin, name=f"key {n}")["keyId"] for n in range(3)]

    first = call("customer_list_api_keys", {"limit": 2}, home.admin)
    second = call("customer_list_api_keys", {"limit": 2, "cursor": first["nextCursor"]}, home.admin)

    listed = [k["id"] for k in first["apiKeys"] + second["apiKeys"]]
    assert listed == list(reversed(ids))
    assert second.get("nextCursor") is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "scopes": ["users.read"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["users.write"]}, "scopes"),
        ({"name": "x", "scopes": ["users.read"], "expiresAt": "2020-01-01T00:00:00Z"}, "expiresAt"),
        ({"name": "x", "scopes": ["users.read"], "expiresAt": "2999-01-01T00:00:00"}, "expiresAt"),
        ({"name": "x", "scopes": ["users.read"], "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field(home, payload, field):
    with pytest.raises(CallableError) as refused:
        call("customer_create_api_key", payload, home.admin)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert field in refused.value.fields


def test_a_member_cannot_manage_keys(home):
    key_id = create_key(home.admin)["keyId"]
    for name, payload in (
        ("customer_create_api_key", {"name": "x", "scopes": ["users.read"]}),
        ("customer_list_api_keys", {}),
        ("customer_rotate_api_key", {"keyId": key_id}),
        ("customer_revoke_api_key", {"keyId": key_id}),
    ):
        with pytest.raises(CallableError) as refused:
            call(name, payload, home.member)
        assert refused.value.status == "PERMISSION_DENIED", name


def test_another_tenants_admin_cannot_revoke_your_key(home, away):
    answer = create_key(home.admin)

    with pytest.raises(CallableError) as named:
        call("customer_revoke_api_key", {"keyId": answer["keyId"], "tenantId": home.id}, away.admin)
    with pytest.raises(CallableError) as unnamed:
        call("customer_revoke_api_key", {"keyId": answer["keyId"]}, away.admin)

    assert named.value.status == "PERMISSION_DENIED"
    assert unnamed.value.status == "NOT_FOUND"
    assert get("/v1/users", answer["apiKey"]).status_code == 200


def test_a_platform_admin_manages_a_named_tenants_keys(home):
    platform_admin = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    answer = create_key(platform_admin, tenantId=home.id)

    listed = call("customer_list_api_keys", {"tenantId": home.id}, platform_admin)["apiKeys"]

    assert answer["apiKey"].startswith(f"fsk.{home.id}.")
    assert [k["id"] for k in listed] == [answer["keyId"]]


def test_an_inactive_tenant_gets_no_new_keys(home):
    repos.tenants().update(home.id, {"status": TenantStatus.DEACTIVATED})
    with pytest.raises(CallableError) as refused:
        create_key(home.admin)
    assert (refused.value.status, refused.value.details["type"]) == (
        "FAILED_PRECONDITION",
        "tenant/inactive",
    )


# -- the external API ---------------------------------------------------------------------------
def test_a_key_never_lists_a_platform_admins_profile_inside_its_tenant(home):
    profile(home.id, "alice")
    profile(home.id, "root", type="platform-admin", roles=["platform-admin"])
    key = create_key(home.admin)["apiKey"]

    answer = get("/v1/users", key)

    assert answer.status_code == 200, answer.text
    assert [user["id"] for user in answer.json()["users"]] == ["alice"]


def test_a_key_reads_its_tenants_users_with_only_the_public_fields(home, away):
    profile(home.id, "alice", roles=["tenant-admin"])
    profile(home.id, "bob", disabled=True)
    profile(away.id, "mallory")
    key = create_key(home.admin)["apiKey"]

    answer = get("/v1/users", key)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "users": [
            {
                "id": "alice",
                "email": "alice@example.test",
                "displayName": "Alice",
                "roles": ["tenant-admin"],
                "disabled": False,
            },
            {
                "id": "bob",
                "email": "bob@example.test",
                "displayName": "Bob",
                "roles": ["member"],
                "disabled": True,
            },
        ],
        "nextCursor": None,
    }


def test_x_api_key_works_too_and_projects_page_with_a_cursor(home, away):
    made = [project(home.id, f"P{n}") for n in range(3)]
    project(away.id, "Not yours")
    key = create_key(home.admin, scopes=["projects.read"])["apiKey"]

    first = get("/v1/projects", key, header="X-Api-Key", params={"limit": 2})
    cursor = first.json()["nextCursor"]
    second = get("/v1/projects", key, header="X-Api-Key", params={"limit": 2, "cursor": cursor})

    assert (first.status_code, second.status_code) == (200, 200), first.text
    names = [p["name"] for p in first.json()["projects"] + second.json()["projects"]]
    assert names == [p.name for p in reversed(made)]
    assert second.json()["nextCursor"] is None
    assert {p["tenantId"] for p in first.json()["projects"]} == {home.id}


def test_a_key_without_the_routes_scope_is_forbidden(home):
    key = create_key(home.admin, scopes=["projects.read"])["apiKey"]

    answer = get("/v1/users", key)

    assert answer.status_code == 403
    assert error_of(answer)["type"] == "api-key/missing-scope"
    assert error_of(answer)["scope"] == "users.read"


@pytest.mark.parametrize(
    "key",
    [None, "", "not-a-key", "fsk.a.b.c", f"fsk.nope.AAAAAAAAAAAAAAAAAAAA.{'A' * 43}"],
)
def test_a_missing_or_malformed_or_unknown_key_is_401(home, key):
    answer = get("/v1/users", key)
    assert answer.status_code == 401
    assert error_of(answer)["code"] == "unauthenticated"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_tampered_secret_is_401(home):
    key = create_key(home.admin)["apiKey"]
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")

    answer = get("/v1/users", tampered)

    assert (answer.status_code, error_of(answer)["type"]) == (401, "api-key/invalid")


def test_a_key_of_tenant_a_cannot_read_tenant_b(home, away):
    profile(away.id, "mallory")
    key = create_key(home.admin)["apiKey"]
    secret = key.rsplit(".", 1)[1]
    key_id = key.split(".")[2]

    swapped = get("/v1/users", f"fsk.{away.id}.{key_id}.{secret}")
    own = get("/v1/users", key)

    assert swapped.status_code == 401
    assert own.status_code == 200 and own.json()["users"] == []


def test_rotating_stops_the_old_secret_at_once_and_answers_a_new_one(home):
    created = create_key(home.admin)

    rotated = call("customer_rotate_api_key", {"keyId": created["keyId"]}, home.admin)

    assert rotated["keyId"] == created["keyId"] and rotated["apiKey"] != created["apiKey"]
    assert get("/v1/users", created["apiKey"]).status_code == 401
    assert get("/v1/users", rotated["apiKey"]).status_code == 200
    assert rotated["key"]["rotatedAt"]


def test_revoking_is_immediate_and_idempotent_and_a_revoked_key_cannot_be_rotated(home):
    created = create_key(home.admin)
    assert get("/v1/users", created["apiKey"]).status_code == 200

    first = call("customer_revoke_api_key", {"keyId": created["keyId"]}, home.admin)
    second = call("customer_revoke_api_key", {"keyId": created["keyId"]}, home.admin)
    answer = get("/v1/users", created["apiKey"])
    with pytest.raises(CallableError) as rotate:
        call("customer_rotate_api_key", {"keyId": created["keyId"]}, home.admin)

    assert first["key"]["status"] == second["key"]["status"] == "revoked"
    assert first["key"]["revokedAt"] == second["key"]["revokedAt"]
    assert (answer.status_code, error_of(answer)["type"]) == (401, "api-key/revoked")
    assert rotate.value.details["type"] == "api-key/revoked"


def test_an_expired_key_is_401(home):
    created = create_key(home.admin, expiresAt=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    repos.api_keys(home.id).update(
        created["keyId"], {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}
    )

    answer = get("/v1/users", created["apiKey"])

    assert (answer.status_code, error_of(answer)["type"]) == (401, "api-key/expired")


def test_a_deactivated_tenants_key_is_401(home):
    key = create_key(home.admin)["apiKey"]
    repos.tenants().update(home.id, {"status": TenantStatus.DEACTIVATED})

    answer = get("/v1/users", key)

    assert (answer.status_code, error_of(answer)["type"]) == (401, "api-key/tenant-inactive")


def test_revoking_all_keys_in_a_transaction_stops_every_active_key(home):
    keys = [create_key(home.admin)["apiKey"] for _ in range(2)]
    revoked_earlier = create_key(home.admin)
    call("customer_revoke_api_key", {"keyId": revoked_earlier["keyId"]}, home.admin)

    staged = in_transaction(lambda uow: revoke_all_keys(uow, home.id))

    assert sorted(staged) == sorted(k.split(".")[2] for k in keys)
    assert [get("/v1/users", k).status_code for k in keys] == [401, 401]
    stored = repos.api_keys(home.id).require(revoked_earlier["keyId"])
    assert stored.revoked_by == home.admin.uid


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": "0"}, "limit"), ({"limit": "many"}, "limit"), ({"limit": "101"}, "limit")],
)
def test_a_bad_limit_is_400_naming_it(home, params, field):
    key = create_key(home.admin)["apiKey"]

    answer = get("/v1/users", key, params=params)

    assert answer.status_code == 400
    assert [f["field"] for f in error_of(answer)["fields"]] == [field]


def test_a_bad_cursor_or_unknown_parameter_is_400(home):
    key = create_key(home.admin)["apiKey"]

    cursor = get("/v1/users", key, params={"cursor": "garbage"})
    unknown = get("/v1/users", key, params={"sort": "email"})

    assert cursor.status_code == unknown.status_code == 400
    assert error_of(cursor)["fields"][0]["field"] == "cursor"
    assert error_of(unknown)["fields"][0]["field"] == "sort"


def test_unknown_paths_are_404_and_other_methods_405(home):
    key = create_key(home.admin)["apiKey"]

    missing = get("/v1/secrets", key)
    root = get("", key)
    post = get("/v1/users", key, method="POST")
    delete = get("/v1/projects", key, method="DELETE")

    assert (missing.status_code, root.status_code) == (404, 404)
    assert (post.status_code, delete.status_code) == (405, 405)
    assert post.headers["Allow"] == "GET"
    assert error_of(post)["code"] == "method-not-allowed"


def test_a_users_page_has_a_cursor_when_more_follow(home):
    for uid in (unique_id("u"), unique_id("u"), unique_id("u")):
        profile(home.id, uid)
    key = create_key(home.admin, scopes=["users.read"])["apiKey"]

    first = get("/v1/users", key, params={"limit": 2}).json()
    second = get("/v1/users", key, params={"limit": 2, "cursor": first["nextCursor"]}).json()

    assert len(first["users"]) == 2 and len(second["users"]) == 1
    assert second["nextCursor"] is None
    assert {u["id"] for u in first["users"]}.isdisjoint(u["id"] for u in second["users"])
