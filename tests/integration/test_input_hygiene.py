"""Hostile and sloppy input (issue 9, items 5, 7, 9, 10, 15, 16): every refusal is
``invalid-argument`` naming the field (or a clean ``failed-precondition`` for one malformed
stored document), never ``internal``, and nothing is written on a refusal."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from customer import repositories as customer_repos
from example import repositories as example_repos
from tests.support.callables import CallableError, call
from tests.support.emulators import functions_url
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile
from user import repositories as user_repos


def refusal(name: str, data: Any, user: Any) -> CallableError:
    with pytest.raises(CallableError) as refused:
        call(name, data, user)
    return refused.value


def crafted(values: Any) -> str:
    """A cursor as a client could build it: our old encoding, no signature."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def new_project(tenant: Any, name: str = "Launch") -> str:
    return str(call("example_create_project", {"name": name}, tenant.manager)["projectId"])


# -- item 5: null for a required field; one malformed stored document --------------------------
def test_an_update_cannot_set_a_projects_name_to_null(tenant):
    project_id = new_project(tenant)
    refused = refusal(
        "example_update_project", {"projectId": project_id, "name": None}, tenant.manager
    )
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["name"])
    assert example_repos.projects(tenant.id).require(project_id).name == "Launch"


def test_an_update_cannot_set_a_tenants_required_fields_to_null(tenant):
    seed_tenant(tenant.id)
    for field in ("name", "address", "products", "settings"):
        refused = refusal("customer_update", {field: None}, tenant.admin)
        assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", [field])
    assert customer_repos.tenants().require(tenant.id).name == f"Tenant {tenant.id}"


def test_one_malformed_project_neither_breaks_the_list_nor_answers_internal(tenant):
    good = new_project(tenant, "Good")
    bad = new_project(tenant, "Bad")
    example_repos.projects(tenant.id).ref(bad).update({"name": None})  # as the old bug stored it

    listed = call("example_list_projects", {}, tenant.member)
    assert [p["id"] for p in listed["projects"]] == [good]
    for name in ("example_update_project", "example_archive_project"):
        refused = refusal(name, {"projectId": bad}, tenant.manager)
        assert (refused.status, refused.details["type"]) == (
            "FAILED_PRECONDITION",
            "data/malformed",
        )


def test_the_api_lists_around_a_malformed_project(tenant):
    seed_tenant(tenant.id)
    good = new_project(tenant, "Good")
    bad = new_project(tenant, "Bad")
    example_repos.projects(tenant.id).ref(bad).update({"name": None})
    key = call("customer_create_api_key", {"name": "k", "scopes": ["projects.read"]}, tenant.admin)[
        "apiKey"
    ]
    answer = api_get("/v1/projects", key)
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()["projects"]] == [good]


def test_one_malformed_profile_neither_breaks_the_user_list_nor_the_api(tenant):
    seed_tenant(tenant.id)
    for user in (tenant.admin, tenant.member):
        seed_user_profile(tenant.id, user)
    user_repos.profiles(tenant.id).ref(tenant.member.uid).update({"roles": "not-a-list"})

    listed = call("user_list", {}, tenant.admin)
    assert [u["id"] for u in listed["users"]] == [tenant.admin.uid]
    key = call("customer_create_api_key", {"name": "k", "scopes": ["users.read"]}, tenant.admin)
    answer = api_get("/v1/users", key["apiKey"])
    assert answer.status_code == 200
    assert [u["id"] for u in answer.json()["users"]] == [tenant.admin.uid]


# -- item 7: crafted page cursors ----------------------------------------------------------------
CRAFTED_CURSORS = [
    crafted(["a/b"]),
    crafted([{"$ts": "bad"}, "x"]),
    crafted([{"$ts": "2020-01-01T00:00:00+00:00"}, "x"]),
    crafted([None, None, None]),
    crafted(["x"]) + ".AAAAAAAAAAAAAAAAAAAAAA",
    "WyJhL2IiXQ",
    "W3siJHRzIjogImJhZCJ9LCAieCJd",
]
LISTS = [
    ("user_list", {}, "admin"),
    ("user_list_terms_pending", {}, "admin"),
    ("customer_list_invitations", {}, "admin"),
    ("customer_list_api_keys", {}, "admin"),
    ("customer_list_org_entries", {"kind": "department"}, "admin"),
    ("example_list_projects", {}, "member"),
]


@pytest.mark.parametrize(("name", "payload", "who"), LISTS)
def test_a_crafted_cursor_is_invalid_argument_on_every_list(tenant, name, payload, who):
    seed_tenant(tenant.id)
    seed_user_profile(tenant.id, tenant.admin)
    for cursor in CRAFTED_CURSORS:
        refused = refusal(name, {**payload, "cursor": cursor}, getattr(tenant, who))
        assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["cursor"]), cursor


def test_a_cursor_of_another_list_is_invalid_argument(tenant):
    for name in ("A", "B", "C"):
        new_project(tenant, name)
    cursor = call("example_list_projects", {"limit": 1}, tenant.member)["nextCursor"]
    assert call("example_list_projects", {"limit": 1, "cursor": cursor}, tenant.member)
    refused = refusal("customer_list_api_keys", {"cursor": cursor}, tenant.admin)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["cursor"])


def test_the_api_answers_400_naming_the_cursor_for_a_crafted_cursor(tenant):
    seed_tenant(tenant.id)
    key = call(
        "customer_create_api_key",
        {"name": "k", "scopes": ["projects.read", "users.read"]},
        tenant.admin,
    )["apiKey"]
    for path in ("/v1/projects", "/v1/users"):
        for cursor in CRAFTED_CURSORS:
            answer = api_get(path, key, params={"cursor": cursor})
            assert answer.status_code == 400, (path, cursor, answer.text)
            error = answer.json()["error"]
            assert [f["field"] for f in error["fields"]] == ["cursor"]


# -- item 9: dates out of range; nothing answered after a committed write ----------------------
@pytest.mark.parametrize(
    "due_at", ["0001-01-01T00:30:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"]
)
def test_a_due_date_outside_a_sane_window_is_refused_and_no_task_is_written(tenant, due_at):
    project_id = new_project(tenant)
    refused = refusal(
        "example_create_task",
        {"projectId": project_id, "title": "t", "dueAt": due_at},
        tenant.member,
    )
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["dueAt"])
    assert example_repos.tasks(tenant.id, project_id).count() == 0


def test_a_task_due_soon_stores_its_reminder_time_and_answers_at_once(tenant):
    project_id = new_project(tenant)
    due_at = datetime.now(UTC) + timedelta(days=2)
    answer = call(
        "example_create_task",
        {
            "projectId": project_id,
            "title": "t",
            "dueAt": due_at.isoformat(),
            "remindMinutesBefore": 30,
        },
        tenant.member,
    )
    stored = example_repos.tasks(tenant.id, project_id).require(answer["taskId"])
    assert stored.remind_at == stored.due_at - timedelta(minutes=30)  # type: ignore[operator]


# -- item 10: map keys that become Firestore field names -----------------------------------------
@pytest.mark.parametrize("key", ["__x__", "__name__", "a..b", ".a", "a/b", "a`b", "n" * 101, ""])
def test_a_notification_id_that_cannot_be_a_field_name_is_refused(tenant, key):
    seed_user_profile(tenant.id, tenant.member)
    refused = refusal(
        "user_update_preferences", {"notifications": {key: {"email": True}}}, tenant.member
    )
    assert refused.status == "INVALID_ARGUMENT"
    assert refused.fields and all(f.startswith("notifications.") for f in refused.fields)
    assert user_repos.preferences(tenant.id, tenant.member.uid).get("notifications") is None


@pytest.mark.parametrize("key", ["__x__", "a.b", "a/b"])
def test_a_profile_change_keyed_by_a_reserved_or_dotted_name_is_refused(tenant, key):
    seed_user_profile(tenant.id, tenant.member)
    before = user_repos.profiles(tenant.id).require(tenant.member.uid)
    refused = refusal("user_update_profile", {key: "x"}, tenant.member)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", [key])
    assert user_repos.profiles(tenant.id).require(tenant.member.uid) == before


# -- item 15: text, ids, payload shape, strict scalars, nested unknown keys ----------------------
@pytest.mark.parametrize("text", ["a\x00b", "line\x07", "tab\x1bescape", "a\u2028b", "two\nlines"])
def test_control_characters_in_a_name_are_refused(tenant, text):
    refused = refusal("example_create_project", {"name": text}, tenant.manager)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["name"])
    assert example_repos.projects(tenant.id).count() == 0


def test_a_description_keeps_newlines_and_tabs_but_not_nul(tenant):
    answer = call("example_create_project", {"name": "n", "description": "a\n\tb"}, tenant.manager)
    assert answer["project"]["description"] == "a\n\tb"
    refused = refusal(
        "example_create_project", {"name": "n", "description": "a\x00"}, tenant.manager
    )
    assert refused.fields == ["description"]


@pytest.mark.parametrize("assignee", ["x" * 100_000, "a/b", "__x__"])
def test_an_unbounded_or_malformed_assignee_is_refused(tenant, assignee):
    project_id = new_project(tenant)
    refused = refusal(
        "example_create_task",
        {"projectId": project_id, "title": "t", "assigneeId": assignee},
        tenant.member,
    )
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["assigneeId"])
    assert example_repos.tasks(tenant.id, project_id).count() == 0


def test_a_task_cannot_be_assigned_to_another_tenants_user(tenant, other_tenant):
    seed_user_profile(other_tenant.id, other_tenant.member)
    seed_user_profile(tenant.id, tenant.member)
    project_id = new_project(tenant)
    refused = refusal(
        "example_create_task",
        {"projectId": project_id, "title": "t", "assigneeId": other_tenant.member.uid},
        tenant.member,
    )
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["assigneeId"])
    assert example_repos.tasks(tenant.id, project_id).count() == 0
    task = call("example_create_task", {"projectId": project_id, "title": "t"}, tenant.member)
    refused = refusal(
        "example_assign_task",
        {"projectId": project_id, "taskId": task["taskId"], "assigneeId": other_tenant.member.uid},
        tenant.manager,
    )
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["assigneeId"])
    mine = call(
        "example_create_task",
        {"projectId": project_id, "title": "t", "assigneeId": tenant.member.uid},
        tenant.member,
    )
    assert mine["task"]["assigneeId"] == tenant.member.uid


@pytest.mark.parametrize("payload", [[], 0, False, "", "x", [{"name": "n"}]])
def test_a_payload_that_is_not_an_object_is_refused(tenant, payload):
    refused = refusal("example_list_projects", payload, tenant.member)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["(request)"])


def test_null_data_stands_for_an_empty_object_only_without_required_fields(tenant):
    assert call("example_list_projects", None, tenant.member)["projects"] == []
    refused = refusal("example_create_project", None, tenant.manager)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["name"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"limit": True}, "limit"), ({"limit": "5"}, "limit"), ({"limit": 2.5}, "limit")],
)
def test_scalars_are_not_coerced(tenant, payload, field):
    refused = refusal("example_list_projects", payload, tenant.member)
    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", [field])


def test_unknown_keys_in_nested_objects_are_refused_and_change_nothing(tenant):
    seed_tenant(tenant.id)
    call("customer_update", {"settings": {"sessionLengthHours": 48}}, tenant.admin)
    deep: dict[str, Any] = {"x": 1}
    for _ in range(200):
        deep = {"nested": deep}
    for settings in ({"unknown": 1}, {"branding": {"colour": "red"}}, deep):
        refused = refusal("customer_update", {"settings": settings}, tenant.admin)
        assert refused.status == "INVALID_ARGUMENT"
        assert refused.fields[0].startswith("settings.")
    assert customer_repos.tenants().require(tenant.id).settings.session_length_hours == 48


# -- item 16: malformed JSON bodies ---------------------------------------------------------------
@pytest.mark.parametrize("body", ["{not json", '{"data": ', "5", "[]", '"data"', ""])
def test_a_malformed_json_body_is_invalid_argument_not_internal(tenant, body):
    answer = post_raw("example_list_projects", body, tenant.member.id_token)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"


# -- issue 20, item 14: a body nested too deep for the JSON parser --------------------------------
def nested(depth: int, kind: str) -> str:
    """``{"data": ...}`` with ``depth`` levels of lists or objects inside."""
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return '{"data":' + opening * depth + "1" + closing * depth + "}"


@pytest.mark.parametrize("depth", [300, 1000, 100_000])
@pytest.mark.parametrize("kind", ["list", "object"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_a_body_nested_deeper_than_any_request_is_invalid_argument_signed_in_or_out(
    tenant, signed_in, kind, depth
):
    token = tenant.member.id_token if signed_in else None
    for name in ("example_list_projects", "auth_send_password_reset"):
        answer = post_raw(name, nested(depth, kind), token)
        assert answer.status_code == 400, (name, answer.status_code, answer.text[:200])
        error = answer.json()["error"]
        assert (error["status"], error["details"]["type"]) == (
            "INVALID_ARGUMENT",
            "validation/malformed-json",
        )


# -- helpers --------------------------------------------------------------------------------------
_session = requests.Session()


def post_raw(name: str, body: str, token: str | None) -> requests.Response:
    """POST ``body`` as it is, with a JSON content type (signed out without ``token``)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    answer = _session.post(functions_url(name), data=body, headers=headers, timeout=60)
    if not answer.headers.get("Content-Type", "").startswith("application/json"):
        raise AssertionError(f"{name}: no answer of its own ({answer.status_code}): {answer.text}")
    return answer


def api_get(path: str, key: str, params: dict[str, Any] | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"}
    answer = _session.get(
        functions_url("customer_api") + path, headers=headers, params=params, timeout=60
    )
    if not answer.headers.get("Content-Type", "").startswith("application/json"):
        raise AssertionError(f"customer_api: no answer of its own ({answer.status_code})")
    return answer
