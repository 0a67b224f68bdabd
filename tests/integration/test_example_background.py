"""The example service's background work through the real emulators: the Firestore trigger,
the Pub/Sub consumer, the Cloud Tasks reminder, the scheduled upkeep and the migration.

The emulators never redeliver, so at-least-once delivery is proven by delivering twice here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import requests

from example import maintenance, task_events
from example import repositories as repos
from example.migrations import m0001_backfill_open_task_count as backfill
from shared import events, migrations, paths
from shared.clients import firestore_client
from shared.models import Document
from shared.repository import CollectionRepository
from tests.support.callables import call
from tests.support.emulators import eventually, functions_url
from tests.support.users import unique_id


def open_count(tenant_id: str, project_id: str) -> int:
    return repos.projects(tenant_id).require(project_id).open_task_count


def count_becomes(tenant_id: str, project_id: str, expected: int) -> None:
    eventually(lambda: open_count(tenant_id, project_id) == expected)


def new_project(tenant) -> str:
    return call("example_create_project", {"name": "Board"}, tenant.manager)["projectId"]


def new_task(tenant, project_id: str, **extra) -> str:
    payload = {"projectId": project_id, "title": "Write", **extra}
    return call("example_create_task", payload, tenant.member)["taskId"]


def ensure_tenant_document(tenant_id: str) -> None:
    """Upkeep walks tenant documents (the customer service creates them in production)."""
    CollectionRepository(Document, paths.tenants()).set(Document(id=tenant_id))


def test_open_task_count_follows_creates_and_completions(tenant):
    project_id = new_project(tenant)
    task_ids = [new_task(tenant, project_id) for _ in range(3)]
    count_becomes(tenant.id, project_id, 3)

    call("example_complete_task", {"projectId": project_id, "taskId": task_ids[0]}, tenant.member)
    count_becomes(tenant.id, project_id, 2)


def test_a_task_write_emits_its_domain_event(tenant, tap_events):
    tap = tap_events("example-events")
    project_id = new_project(tenant)
    task_id = new_task(tenant, project_id)

    created = tap.wait_for(lambda e: e.subject_id == task_id)

    assert created.type == task_events.CREATED
    assert created.tenant_id == tenant.id
    assert created.data["projectId"] == project_id
    assert created.data["openDelta"] == 1


def test_open_task_count_stays_exact_under_concurrent_task_creation(tenant):
    from concurrent.futures import ThreadPoolExecutor

    project_id = new_project(tenant)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: new_task(tenant, project_id), range(12)))
    count_becomes(tenant.id, project_id, 12)


def test_an_event_delivered_twice_counts_once(tenant):
    project_id = new_project(tenant)
    duplicate = events.new_event(
        task_events.CREATED,
        tenant_id=tenant.id,
        subject_id=unique_id("task"),
        data={"projectId": project_id, "openDelta": 1},
    )
    events.publish([duplicate])
    count_becomes(tenant.id, project_id, 1)

    events.publish([duplicate])  # the same envelope again: a redelivery
    sentinel = events.new_event(
        task_events.CREATED,
        tenant_id=tenant.id,
        subject_id=unique_id("task"),
        data={"projectId": project_id, "openDelta": 1},
    )
    events.publish([sentinel])
    count_becomes(tenant.id, project_id, 2)
    time.sleep(1.5)  # a late duplicate would show up as 3 by now
    assert open_count(tenant.id, project_id) == 2


def test_process_once_runs_the_handler_only_for_the_first_delivery(tenant):
    project_id = new_project(tenant)
    event = events.new_event(
        task_events.CREATED,
        tenant_id=tenant.id,
        subject_id=unique_id("task"),
        data={"projectId": project_id, "openDelta": 1},
    )
    consumer = unique_id("consumer")
    first = events.process_once(consumer, event, task_events.apply_open_delta)
    second = events.process_once(consumer, event, task_events.apply_open_delta)

    assert (first, second) == (True, False)
    assert open_count(tenant.id, project_id) == 1


def test_the_due_reminder_is_sent_once_even_when_delivered_twice(tenant):
    project_id = new_project(tenant)
    due_at = datetime.now(UTC) + timedelta(minutes=5)
    task_id = new_task(
        tenant, project_id, dueAt=due_at.isoformat(), remindMinutesBefore=10
    )  # reminder time already past: Cloud Tasks dispatches it at once
    tasks = repos.tasks(tenant.id, project_id)
    sent = eventually(lambda: tasks.require(task_id).reminder_sent_at)
    stored_due_at = tasks.require(task_id).due_at
    assert stored_due_at is not None

    payload = {
        "tenantId": tenant.id,
        "projectId": project_id,
        "taskId": task_id,
        "dueAt": stored_due_at.isoformat(),
    }
    answer = requests.post(
        functions_url("exampleSendDueReminder"), json={"data": payload}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert tasks.require(task_id).reminder_sent_at == sent


def test_a_reminder_for_a_completed_task_changes_nothing(tenant):
    project_id = new_project(tenant)
    task_id = new_task(tenant, project_id)
    call("example_complete_task", {"projectId": project_id, "taskId": task_id}, tenant.member)
    payload = {
        "tenantId": tenant.id,
        "projectId": project_id,
        "taskId": task_id,
        "dueAt": datetime.now(UTC).isoformat(),
    }
    answer = requests.post(
        functions_url("exampleSendDueReminder"), json={"data": payload}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert repos.tasks(tenant.id, project_id).require(task_id).reminder_sent_at is None


def test_a_malformed_reminder_is_dropped_not_retried():
    answer = requests.post(
        functions_url("exampleSendDueReminder"), json={"data": {"taskId": 7}}, timeout=30
    )
    assert answer.status_code == 200, answer.text


def test_upkeep_archives_only_idle_projects_and_only_once(tenant):
    ensure_tenant_document(tenant.id)
    idle = new_project(tenant)
    busy = new_project(tenant)
    new_task(tenant, busy)
    count_becomes(tenant.id, busy, 1)
    later = datetime.now(UTC) + maintenance.IDLE_AFTER + timedelta(days=1)

    first = maintenance.archive_idle_projects(now=later)
    second = maintenance.archive_idle_projects(now=later)

    projects = repos.projects(tenant.id)
    assert projects.require(idle).status.value == "archived"
    assert projects.require(busy).status.value == "active"
    assert first >= 1
    assert second == 0


def test_the_backfill_migration_sets_exact_counts_and_reruns_as_a_no_op(tenant):
    ensure_tenant_document(tenant.id)
    project_id = new_project(tenant)
    new_task(tenant, project_id)
    new_task(tenant, project_id)
    count_becomes(tenant.id, project_id, 2)
    repos.projects(tenant.id).update(project_id, {"open_task_count": 0})  # a stale counter

    assert backfill.apply() >= 1
    assert open_count(tenant.id, project_id) == 2
    assert backfill.apply() == 0


def test_the_migration_runner_records_and_skips_applied_migrations():
    ledger = firestore_client().collection("_migrations")
    for snapshot in ledger.stream():
        snapshot.reference.delete()

    first = migrations.run(["example"])
    second = migrations.run(["example"])

    assert [key for key, _ in first] == ["example-0001"]
    assert second == []
    assert ledger.document("example-0001").get().get("description") == backfill.DESCRIPTION
