"""The callable and task wrappers, and the example's task-event logic, without emulators.

The wrappers are driven with the SDK's own request types, as the Functions runtime does."""

from __future__ import annotations

from typing import Any

import pytest
from firebase_functions import https_fn

from example import task_events
from example.models.projects import CreateProject, ReminderTask
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint
from shared.errors import NotFound
from shared.tasks import task_handler


def request(data: Any, claims: dict[str, Any] | None, uid: str = "u1") -> Any:
    auth = https_fn.AuthData(uid=uid, token=claims) if claims is not None else None
    return https_fn.CallableRequest(raw_request=None, data=data, auth=auth)  # type: ignore[arg-type]


calls: list[tuple[str, str]] = []


@callable_endpoint(CreateProject, permission="example.projects.create")
def create(ctx: AuthContext, req: CreateProject) -> dict[str, Any]:
    if req.name == "missing":
        raise NotFound("gone", type="example/gone")
    if req.name == "crash":
        raise RuntimeError("database password is hunter2")
    calls.append((ctx.uid, req.name))
    return {"name": req.name}


MANAGER = {"tenantId": "t1", "roles": ["project-manager"]}
checked: list[tuple[str, bool]] = []


@pytest.fixture(autouse=True)
def _caller_state(monkeypatch):
    """The caller-state check reads Firestore (proven against the emulators in
    tests/integration/test_user_sessions.py); here a fake records it, and a uid named
    ``disabled`` is refused as a deactivated caller would be."""
    from shared import caller_status
    from shared.errors import Unauthenticated

    def require_active(ctx: AuthContext, id_token: str, *, check_revoked: bool = False) -> None:
        checked.append((ctx.uid, check_revoked))
        if ctx.uid == "disabled":
            raise Unauthenticated("The account is disabled", type="auth/disabled")

    monkeypatch.setattr(caller_status, "require_active", require_active)
    monkeypatch.setattr(caller_status, "bearer_token", lambda raw_request: "token")


def refused(data: Any, claims: dict[str, Any] | None) -> https_fn.HttpsError:
    with pytest.raises(https_fn.HttpsError) as raised:
        create(request(data, claims))
    return raised.value


def test_a_valid_call_runs_the_handler_with_the_parsed_request():
    assert create(request({"name": " Launch "}, MANAGER)) == {"name": "Launch"}
    assert calls[-1] == ("u1", "Launch")


def test_every_signed_in_call_checks_the_caller_is_still_active_before_anything_else():
    create(request({"name": "x"}, MANAGER))
    assert checked[-1] == ("u1", False)
    with pytest.raises(https_fn.HttpsError) as raised:
        create(request({"name": "y"}, MANAGER, uid="disabled"))
    assert raised.value.details is not None
    assert (raised.value.code.value, raised.value.details["type"]) == (
        "unauthenticated",
        "auth/disabled",
    )
    assert calls[-1] != ("disabled", "y")


def test_no_auth_is_unauthenticated():
    assert refused({"name": "x"}, None).code.value == "unauthenticated"


def test_a_missing_permission_is_permission_denied_before_validation():
    error = refused({"wrong": 1}, {"tenantId": "t1", "roles": ["member"]})
    assert error.code.value == "permission-denied"
    assert error.details is not None
    assert error.details["type"] == "auth/missing-permission"


def test_bad_input_is_invalid_argument_naming_the_field():
    error = refused({"name": "", "colour": "red"}, MANAGER)
    assert error.code.value == "invalid-argument"
    assert error.details is not None
    assert {f["field"] for f in error.details["fields"]} == {"name", "colour"}


def test_a_domain_error_keeps_its_code_and_type():
    error = refused({"name": "missing"}, MANAGER)
    assert error.details is not None
    assert (error.code.value, error.details["type"]) == ("not-found", "example/gone")


def test_an_unexpected_error_is_internal_and_leaks_nothing():
    error = refused({"name": "crash"}, MANAGER)
    assert error.code.value == "internal"
    assert "hunter2" not in error.message and "hunter2" not in str(error.details)


handled: list[ReminderTask] = []


@task_handler(ReminderTask)
def remind(payload: ReminderTask) -> None:
    if payload.task_id == "refused":
        raise NotFound("gone")
    if payload.task_id == "flaky":
        raise ConnectionError("try again")
    handled.append(payload)


REMINDER = {"tenantId": "t", "projectId": "p", "taskId": "k", "dueAt": "2030-01-01T00:00:00Z"}


def test_a_task_payload_is_parsed_into_its_model():
    remind(request(REMINDER, None))
    assert handled[-1].task_id == "k"


def test_a_malformed_task_is_dropped_and_a_refused_one_is_not_retried():
    before = len(handled)
    remind(request({"taskId": 5}, None))
    remind(request({**REMINDER, "taskId": "refused"}, None))
    assert len(handled) == before


def test_a_transient_failure_propagates_so_cloud_tasks_retries():
    with pytest.raises(ConnectionError):
        remind(request({**REMINDER, "taskId": "flaky"}, None))


OPEN, DONE = {"status": "open", "projectId": "p"}, {"status": "done", "projectId": "p"}


@pytest.mark.parametrize(
    ("before", "after", "event_type", "delta"),
    [
        (None, OPEN, task_events.CREATED, 1),
        (None, DONE, task_events.CREATED, 0),
        (OPEN, DONE, task_events.COMPLETED, -1),
        (DONE, OPEN, task_events.REOPENED, 1),
        (OPEN, None, task_events.DELETED, -1),
        (DONE, None, task_events.DELETED, 0),
        (OPEN, {**OPEN, "assigneeId": "u2"}, task_events.ASSIGNED, 0),
    ],
)
def test_each_task_change_becomes_one_event_with_its_open_delta(before, after, event_type, delta):
    event = task_events.event_for_change("cause-1", "t", "p", "k", before, after)
    assert event is not None
    assert (event.id, event.type, event.data["openDelta"]) == ("cause-1", event_type, delta)


def test_a_change_that_matters_to_nobody_emits_nothing():
    assert task_events.event_for_change("c", "t", "p", "k", OPEN, {**OPEN, "title": "x"}) is None
