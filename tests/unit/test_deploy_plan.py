"""The deploy plan covers every exposed function with the trigger its declaration names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ops"))

import deploy_plan
from deploy_plan import Options, build_plan, exposed_functions, render

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = Options(project="acme-prod")


@pytest.fixture(scope="module")
def plan():
    return {d.name: d for d in build_plan(OPTIONS)}


def expected_kind(func) -> str:
    endpoint = func.__firebase_endpoint__
    if endpoint.callableTrigger is not None:
        return "callable"
    if endpoint.httpsTrigger is not None:
        return "http"
    if endpoint.taskQueueTrigger is not None:
        return "task-queue"
    if endpoint.scheduleTrigger is not None:
        return "schedule"
    if getattr(endpoint, "blockingTrigger", None) is not None:
        return "blocking"
    event_type = endpoint.eventTrigger["eventType"]
    return "pubsub" if "pubsub" in event_type else "firestore"


def test_every_exposed_function_is_planned_once_with_its_trigger_kind(plan):
    functions = exposed_functions()
    assert set(plan) == set(functions)
    assert {name: d.kind for name, d in plan.items()} == {
        name: expected_kind(func) for name, func in functions.items()
    }


def test_every_deploy_is_gen2_with_explicit_cpu_region_and_entry_point(plan):
    for name, deployment in plan.items():
        command = deployment.deploy
        assert command[:4] == ["gcloud", "functions", "deploy", name]
        assert "--gen2" in command
        assert "--cpu=1" in command
        assert "--region=us-central1" in command
        assert f"--entry-point={name}" in command
        assert "--runtime=python311" in command


def test_callables_are_public_http_and_check_tokens_themselves(plan):
    command = plan["example_create_project"].deploy
    assert command[-2:] == ["--trigger-http", "--allow-unauthenticated"]


def test_a_pubsub_consumer_deploys_on_its_topic_with_retry(plan):
    command = plan["example_count_open_tasks"].deploy
    assert "--trigger-topic=example-events" in command
    assert "--retry" in command


def test_a_firestore_trigger_carries_its_event_type_and_document_pattern(plan):
    command = plan["example_on_task_written"].deploy
    assert "--trigger-event-filters=type=google.cloud.firestore.document.v1.written" in command
    assert "--trigger-event-filters=database=(default)" in command
    assert (
        "--trigger-event-filters-path-pattern=document="
        "tenants/{tenantId}/projects/{projectId}/tasks/{taskId}"
    ) in command
    assert "--retry" in command


def test_a_task_queue_function_is_private_and_gets_its_queue(plan):
    deployment = plan["exampleSendDueReminder"]
    assert deployment.deploy[-2:] == ["--trigger-http", "--no-allow-unauthenticated"]
    (queue,) = deployment.after
    assert queue[:5] == ["gcloud", "tasks", "queues", "create", "exampleSendDueReminder"]
    assert {"--max-attempts=5", "--min-backoff=10s", "--max-concurrent-dispatches=10"} <= set(queue)
    assert " || gcloud tasks queues update exampleSendDueReminder " in render(queue)


def test_a_scheduled_function_gets_its_scheduler_job(plan):
    deployment = plan["example_archive_idle_projects"]
    (job,) = deployment.after
    assert job[:5] == ["gcloud", "scheduler", "jobs", "create", "http"]
    assert "--schedule=0 3 * * *" in job
    assert "--time-zone=UTC" in job
    assert (
        "--uri=https://us-central1-acme-prod.cloudfunctions.net/example_archive_idle_projects"
        in job
    )


def test_only_restricts_the_plan_and_unknown_names_are_refused():
    assert [d.name for d in build_plan(OPTIONS, ["example_create_project"])] == [
        "example_create_project"
    ]
    with pytest.raises(SystemExit, match="unknown functions: nope"):
        build_plan(OPTIONS, ["nope"])


def test_the_dry_run_prints_one_deploy_per_function_and_stages_shared_and_static():
    out = subprocess.run(
        ["bash", str(ROOT / "deploy-functions.sh"), "--dry-run", "--project", "acme-prod"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    deploys = [line for line in out.splitlines() if line.startswith("gcloud functions deploy ")]
    assert sorted(line.split()[3] for line in deploys) == sorted(exposed_functions())
    assert out.rstrip().endswith("--only firestore:rules,firestore:indexes")
    staged = ROOT / ".deploy-staging"
    for needed in ("main.py", "requirements.txt", "shared/callables.py", "static/roles.yaml"):
        assert (staged / needed).is_file(), needed
    assert not (staged / "venv").exists()
    assert deploy_plan.RUNTIME == "python311"
