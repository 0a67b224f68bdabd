"""The deploy plan deploys every exposed function once, with the flags its declaration implies."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from firebase_functions import firestore_fn, https_fn, options, params, scheduler_fn, tasks_fn

from ops.deploy.cli import load_env_file
from ops.deploy.commands import Deployment, Options, build_plan, plan_function, plan_lines, render
from ops.deploy.declarations import PlanError, exposed_functions
from ops.deploy.resources import Upsert

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = Options(project="acme-prod", project_number="123")
CALLER = "123-compute@developer.gserviceaccount.com"
PUBLIC = ["--trigger-http", "--allow-unauthenticated"]
PRIVATE = ["--trigger-http", "--no-allow-unauthenticated"]
FUNCTIONS = exposed_functions()


@pytest.fixture(scope="module")
def plan() -> dict[str, Deployment]:
    return {d.name: d for d in build_plan(OPTIONS)}


def expected_trigger(func: Any) -> tuple[str, list[str]]:
    """The kind and trailing trigger flags a function's SDK endpoint calls for."""
    endpoint = func.__firebase_endpoint__
    if endpoint.callableTrigger is not None:
        return "callable", PUBLIC
    if endpoint.httpsTrigger is not None:
        return "http", PUBLIC if "public" in (
            endpoint.httpsTrigger.get("invoker") or ["public"]
        ) else PRIVATE
    if endpoint.taskQueueTrigger is not None:
        return "task-queue", PRIVATE
    if endpoint.scheduleTrigger is not None:
        return "schedule", PRIVATE
    if endpoint.blockingTrigger is not None:
        return "blocking", PUBLIC
    trigger = endpoint.eventTrigger
    if trigger["eventType"].startswith("google.cloud.pubsub."):
        retry = getattr(func, "__deploy_retry__", trigger["retry"] is True)
        return "pubsub", [f"--trigger-topic={trigger['eventFilters']['topic']}"] + [
            "--retry"
        ] * retry
    flags = [f"--trigger-event-filters=type={trigger['eventType']}"]
    flags += [f"--trigger-event-filters={k}={v}" for k, v in trigger["eventFilters"].items()]
    flags += [
        f"--trigger-event-filters-path-pattern={k}={v}"
        for k, v in (trigger.get("eventFilterPathPatterns") or {}).items()
    ]
    retry = getattr(func, "__deploy_retry__", True)
    return "firestore", [*flags, "--trigger-location=nam5"] + ["--retry"] * retry


def test_every_exposed_function_is_deployed_exactly_once_with_the_trigger_it_declares():
    functions = FUNCTIONS
    deployments = build_plan(OPTIONS)
    assert sorted(d.name for d in deployments) == sorted(functions)
    for d in deployments:
        kind, flags = expected_trigger(functions[d.name])
        assert d.kind == kind, d.name
        assert d.argv[-len(flags) :] == flags, d.name


# Functions that declare their own sizing (every other one gets firebase-tools' defaults).
DECLARED_SIZING = {
    "authSweepTenantUsers": ("--memory=512Mi", "--timeout=300s"),
    "userSweepTenantUsers": ("--memory=512Mi", "--timeout=300s"),
    "filesSweepTenant": ("--memory=512Mi", "--timeout=300s"),
}


def test_every_deploy_is_gen2_with_explicit_cpu_memory_concurrency_timeout_and_env(plan):
    for name, d in plan.items():
        assert d.argv[:5] == ["gcloud", "functions", "deploy", name, "--gen2"]
        memory, timeout = DECLARED_SIZING.get(name, ("--memory=256Mi", "--timeout=60s"))
        for flag in (
            "--project=acme-prod",
            "--region=us-central1",
            "--runtime=python311",
            f"--entry-point={name}",
            memory,
            "--cpu=1",
            "--concurrency=80",
            timeout,
            "--set-env-vars=FOUNDATION_ENV=production,GCLOUD_PROJECT=acme-prod,"
            "FOUNDATION_REGION=us-central1",
        ):
            assert flag in d.argv, (name, flag)


def test_a_callable_is_public_http_because_it_checks_the_id_token_itself(plan):
    d = plan["example_create_project"]
    assert d.kind == "callable"
    assert d.argv[-2:] == PUBLIC
    assert d.then == ()


def test_a_pubsub_consumer_deploys_on_its_topic_with_retry(plan):
    argv = plan["example_count_open_tasks"].argv
    assert argv[-2:] == ["--trigger-topic=example-events", "--retry"]


def test_a_firestore_trigger_carries_its_event_type_document_pattern_and_retry(plan):
    argv = plan["example_on_task_written"].argv
    assert "--trigger-event-filters=type=google.cloud.firestore.document.v1.written" in argv
    assert "--trigger-event-filters=database=(default)" in argv
    assert "--trigger-event-filters=namespace=(default)" in argv
    assert (
        "--trigger-event-filters-path-pattern=document="
        "tenants/{tenantId}/projects/{projectId}/tasks/{taskId}"
    ) in argv
    assert argv[-2:] == ["--trigger-location=nam5", "--retry"]


def test_a_task_queue_function_is_private_with_its_queue_and_its_caller(plan):
    d = plan["exampleSendDueReminder"]
    assert d.argv[-2:] == PRIVATE
    queue, binding = d.then
    assert isinstance(queue, Upsert)
    assert queue.create[:5] == ["gcloud", "tasks", "queues", "create", "exampleSendDueReminder"]
    assert queue.update[:5] == ["gcloud", "tasks", "queues", "update", "exampleSendDueReminder"]
    declared = {"--max-attempts=5", "--min-backoff=10s", "--max-concurrent-dispatches=10"}
    defaults = {"--max-backoff=3600s", "--max-doublings=16", "--max-dispatches-per-second=500"}
    assert declared | defaults | {"--location=us-central1"} <= set(queue.create)
    assert declared | defaults <= set(queue.update)
    assert binding == [
        *("gcloud", "functions", "add-invoker-policy-binding", "exampleSendDueReminder"),
        *("--project=acme-prod", "--region=us-central1", f"--member=serviceAccount:{CALLER}"),
    ]
    assert render(queue).startswith("if gcloud tasks queues describe exampleSendDueReminder ")


def test_a_scheduled_function_gets_a_scheduler_job_calling_it_with_an_oidc_token(plan):
    d = plan["example_archive_idle_projects"]
    assert d.argv[-2:] == PRIVATE
    job, binding = d.then
    assert isinstance(job, Upsert)
    name = "firebase-schedule-example_archive_idle_projects-us-central1"
    assert job.create[:6] == ["gcloud", "scheduler", "jobs", "create", "http", name]
    endpoint = FUNCTIONS["example_archive_idle_projects"].__firebase_endpoint__
    schedule = endpoint.scheduleTrigger["schedule"]
    assert schedule in ("every day 03:00", "0 3 * * *")  # daily at 03:00, either syntax
    for flag in (
        f"--schedule={schedule}",
        "--time-zone=UTC",
        "--uri=https://us-central1-acme-prod.cloudfunctions.net/example_archive_idle_projects",
        "--http-method=POST",
        f"--oidc-service-account-email={CALLER}",
        "--attempt-deadline=180s",
    ):
        assert flag in job.create and flag in job.update, flag
    assert binding[-1] == f"--member=serviceAccount:{CALLER}"


def test_the_blocking_auth_function_is_public_and_reminds_to_register_it(plan):
    d = plan["before_user_created"]
    assert (d.kind, d.argv[-2:]) == ("blocking", PUBLIC)
    (note,) = d.then
    assert isinstance(note, str) and "Identity Platform" in note and "beforeCreate" in note
    assert render(note).startswith("# ")


def test_the_plan_enables_the_apis_first_and_deploys_rules_and_indexes_last():
    lines = plan_lines(OPTIONS)
    assert lines[0].startswith("gcloud services enable ")
    for api in (
        "cloudfunctions",
        "run",
        "eventarc",
        "cloudtasks",
        "cloudscheduler",
        "identitytoolkit",
    ):
        assert f" {api}.googleapis.com " in lines[0]
    assert lines[-1] == (
        "npx firebase deploy --project acme-prod --only firestore:rules,firestore:indexes"
    )
    assert sum(line.startswith("gcloud functions deploy ") for line in lines) == len(FUNCTIONS)


def test_only_restricts_the_plan_and_leaves_rules_out():
    lines = plan_lines(OPTIONS, ["example_create_project"])
    deploys = [line for line in lines if line.startswith("gcloud functions deploy ")]
    assert [line.split()[3] for line in deploys] == ["example_create_project"]
    assert not any("firebase deploy" in line for line in lines)


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(
        PlanError, match=r"unknown functions: nope; known: .*example_create_project"
    ):
        build_plan(OPTIONS, ["example_create_project", "nope"])


def test_cpu_is_explicit_even_where_the_sdk_would_fall_back_to_gen1_sizing():
    def handler(req: https_fn.Request) -> https_fn.Response:
        return https_fn.Response("ok")

    small = https_fn.on_request(cpu="gcf_gen1")(handler)
    big = https_fn.on_request(memory=options.MemoryOption.GB_4, timeout_sec=300)(handler)
    (small_plan,) = plan_function("handler", small, OPTIONS)
    (big_plan,) = plan_function("handler", big, OPTIONS)
    assert {"--cpu=1", "--memory=256Mi", "--concurrency=80"} <= set(small_plan.argv)
    assert {"--cpu=2", "--memory=4096Mi", "--timeout=300s"} <= set(big_plan.argv)


def test_declared_regions_invokers_and_instances_reach_the_commands():
    @https_fn.on_request(
        region=["europe-west1", "us-east1"],
        invoker="ops@acme-prod.iam.gserviceaccount.com",
        min_instances=1,
    )
    def hook(req: https_fn.Request) -> https_fn.Response:
        return https_fn.Response("ok")

    deployments = plan_function("hook", hook, OPTIONS)
    assert [d.argv[6] for d in deployments] == ["--region=europe-west1", "--region=us-east1"]
    assert all(d.argv[-2:] == PRIVATE and "--min-instances=1" in d.argv for d in deployments)
    assert deployments[0].then == (
        [
            *("gcloud", "functions", "add-invoker-policy-binding", "hook", "--project=acme-prod"),
            "--region=europe-west1",
            "--member=serviceAccount:ops@acme-prod.iam.gserviceaccount.com",
        ],
    )


def test_a_firestore_trigger_can_opt_out_of_retry_beside_its_declaration():
    @firestore_fn.on_document_created(document="tenants/{tenantId}/audit/{entryId}")
    def on_audit(event: Any) -> None: ...

    (with_retry,) = plan_function("on_audit", on_audit, OPTIONS)
    on_audit.__deploy_retry__ = False  # type: ignore[attr-defined]
    (without,) = plan_function("on_audit", on_audit, OPTIONS)
    assert with_retry.argv[-1] == "--retry" and "--retry" not in without.argv
    assert "--trigger-event-filters=type=google.cloud.firestore.document.v1.created" in without.argv


def test_declarations_the_plan_cannot_honour_are_errors():
    @tasks_fn.on_task_dispatched()
    def send_mail(req: tasks_fn.CallableRequest[Any]) -> None: ...

    # the SDK types ``schedule`` as str; a params expression is the mistake the plan must refuse
    @scheduler_fn.on_schedule(schedule=params.StringParam("SCHEDULE"))  # type: ignore[arg-type]
    def tick(event: scheduler_fn.ScheduledEvent) -> None: ...

    with pytest.raises(PlanError, match="no underscores"):
        plan_function("send_mail", send_mail, OPTIONS)
    with pytest.raises(PlanError, match="params expression"):
        plan_function("tick", tick, OPTIONS)


def test_extra_environment_comes_from_a_yaml_file_and_cannot_override_the_project(tmp_path):
    env_file = tmp_path / "env.yaml"
    env_file.write_text("MAIL_FROM: a@b.c,d@e.f\nFEATURE_X: true\n")
    env = load_env_file(env_file)
    assert env == {"MAIL_FROM": "a@b.c,d@e.f", "FEATURE_X": "true"}
    options = Options(project="acme-prod", env=env)
    (d,) = plan_function("example_create_project", FUNCTIONS["example_create_project"], options)
    # A value with a comma switches gcloud to another delimiter (see `gcloud topic escaping`).
    assert (
        "--set-env-vars=^|^FOUNDATION_ENV=production|MAIL_FROM=a@b.c,d@e.f|FEATURE_X=true"
        "|GCLOUD_PROJECT=acme-prod|FOUNDATION_REGION=us-central1"
    ) in d.argv
    env_file.write_text("GCLOUD_PROJECT: other\n")
    with pytest.raises(PlanError, match="GCLOUD_PROJECT"):
        load_env_file(env_file)


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "deploy-functions.sh"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_dry_run_prints_one_deploy_per_function_and_stages_shared_static_and_bytecode(
    tmp_path,
):
    stage = tmp_path / "stage"
    result = run_script("--dry-run", "--project", "acme-prod", "--staging-dir", str(stage))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    deploys = [line for line in lines if line.startswith("gcloud functions deploy ")]
    assert sorted(line.split()[3] for line in deploys) == sorted(FUNCTIONS)
    assert all(f"--source={stage}" in line for line in deploys)
    for staged in ("main.py", "requirements.txt", "shared/settings.py", "static/roles.yaml"):
        assert (stage / staged).is_file(), staged
    assert (stage / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert not list(stage.rglob("venv"))
    # Bytecode an instance loads without compiling: hash-based and unchecked (PEP 552 flags
    # 0b01), since the upload does not keep the sources' modification times.
    for source in ("main.py", "shared/callables.py", "messaging/api/messages.py"):
        path = stage / source
        compiled = path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc"
        header = compiled.read_bytes()[:8]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == 0b01, source


def test_the_script_refuses_an_unknown_function_name_before_staging(tmp_path):
    result = run_script("--dry-run", "--only", "nope", "--staging-dir", str(tmp_path / "stage"))
    assert result.returncode != 0
    assert "unknown functions: nope" in result.stderr and "example_create_project" in result.stderr
    assert not (tmp_path / "stage").exists()


def test_the_files_references_trigger_is_retried_since_a_failed_enqueue_relies_on_it(plan):
    assert plan["files_on_references_written"].argv[-1] == "--retry"
