"""The deploy plan: one ``gcloud functions deploy`` per function of ``functions/main.py``, with
the trigger flags derived from the function's own declaration in the Firebase Functions SDK.

    python ops/deploy_plan.py --project my-project [--only a,b] [--source DIR]

Prints one shell command per line; ``deploy-functions.sh`` runs them (or prints them with
``--dry-run``). Reading the SDK's endpoint (``__firebase_endpoint__``) rather than a hand-kept
list means a new function can never be forgotten, and its flags cannot drift from its code.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = "python311"
DEFAULTS = {"memory": "256Mi", "cpu": "1", "concurrency": "80", "timeout": "60s"}
PUBSUB_EVENT = "google.cloud.pubsub.topic.v1.messagePublished"
FIRESTORE_EVENT_PREFIX = "google.cloud.firestore.document.v1."
# Firestore triggers retry in production: every handler here is idempotent (SDK 0.6.0 has no
# retry option on Firestore triggers, so the policy lives here).
FIRESTORE_RETRY = True
BLOCKING_EVENTS = {
    "providers/cloud.auth/eventTypes/user.beforeCreate": "beforeCreate",
    "providers/cloud.auth/eventTypes/user.beforeSignIn": "beforeSignIn",
}


@dataclass(frozen=True)
class Options:
    project: str
    region: str = "us-central1"
    source: str = ".deploy-staging"
    firestore_location: str = "nam5"
    invoker_service_account: str | None = None

    @property
    def invoker(self) -> str:
        """The service account Cloud Scheduler and Cloud Tasks call functions as."""
        return (
            self.invoker_service_account
            or f"foundation-invoker@{self.project}.iam.gserviceaccount.com"
        )


@dataclass
class Deployment:
    """One function: its kind, the deploy command and any companion commands."""

    name: str
    kind: str  # callable | http | pubsub | firestore | task-queue | schedule | blocking
    deploy: list[str]
    after: list[list[str]] = field(default_factory=list)

    def commands(self) -> list[list[str]]:
        return [self.deploy, *self.after]


def _declared(value: Any) -> bool:
    """The SDK marks options left at their default with a sentinel object."""
    return isinstance(value, bool | int | float | str)


def _resource_flags(endpoint: Any, name: str, options: Options) -> list[str]:
    memory, timeout = endpoint.availableMemoryMb, endpoint.timeoutSeconds
    cpu, concurrency = getattr(endpoint, "cpu", None), endpoint.concurrency
    flags = [
        "functions",
        "deploy",
        name,
        "--gen2",
        f"--project={options.project}",
        f"--region={options.region}",
        f"--runtime={RUNTIME}",
        f"--source={options.source}",
        f"--entry-point={name}",
        f"--memory={f'{memory}Mi' if _declared(memory) else DEFAULTS['memory']}",
        # Always explicit: without a CPU, gen2 falls back to gen1 sizing and concurrency 1.
        f"--cpu={cpu if _declared(cpu) else DEFAULTS['cpu']}",
        f"--concurrency={concurrency if _declared(concurrency) else DEFAULTS['concurrency']}",
        f"--timeout={f'{timeout}s' if _declared(timeout) else DEFAULTS['timeout']}",
        f"--set-env-vars=FOUNDATION_ENV=production,FOUNDATION_REGION={options.region}",
    ]
    if _declared(endpoint.minInstances):
        flags.append(f"--min-instances={endpoint.minInstances}")
    if _declared(endpoint.maxInstances):
        flags.append(f"--max-instances={endpoint.maxInstances}")
    if _declared(endpoint.serviceAccountEmail):
        flags.append(f"--service-account={endpoint.serviceAccountEmail}")
    return flags


def plan_function(name: str, func: Any, options: Options) -> Deployment:
    """The deployment of one decorated function."""
    endpoint = func.__firebase_endpoint__
    base = ["gcloud", *_resource_flags(endpoint, name, options)]
    url = f"https://{options.region}-{options.project}.cloudfunctions.net/{name}"

    if endpoint.callableTrigger is not None:
        # Callables check the caller's ID token themselves (shared.callables).
        return Deployment(name, "callable", [*base, "--trigger-http", "--allow-unauthenticated"])
    if endpoint.httpsTrigger is not None:
        return Deployment(name, "http", [*base, "--trigger-http", "--allow-unauthenticated"])
    if endpoint.eventTrigger is not None:
        trigger = endpoint.eventTrigger
        event_type = trigger["eventType"]
        if event_type == PUBSUB_EVENT:
            flags = [f"--trigger-topic={trigger['eventFilters']['topic']}"]
            return Deployment(name, "pubsub", [*base, *flags, *_retry(trigger.get("retry"))])
        if event_type.startswith(FIRESTORE_EVENT_PREFIX):
            filters = trigger.get("eventFilters") or {}
            flags = [f"--trigger-event-filters=type={event_type}"]
            flags += [f"--trigger-event-filters={k}={v}" for k, v in sorted(filters.items())]
            flags += [
                f"--trigger-event-filters-path-pattern={k}={v}"
                for k, v in sorted((trigger.get("eventFilterPathPatterns") or {}).items())
            ]
            flags.append(f"--trigger-location={options.firestore_location}")
            retry = _retry(bool(trigger.get("retry")) or FIRESTORE_RETRY)
            return Deployment(name, "firestore", [*base, *flags, *retry])
        raise ValueError(f"{name}: unsupported event type {event_type}")
    if endpoint.taskQueueTrigger is not None:
        deploy = [*base, "--trigger-http", "--no-allow-unauthenticated"]
        return Deployment(name, "task-queue", deploy, [_queue(name, endpoint, options)])
    if endpoint.scheduleTrigger is not None:
        schedule = endpoint.scheduleTrigger
        job = [
            "gcloud",
            "scheduler",
            "jobs",
            "create",
            "http",
            f"firebase-schedule-{name}-{options.region}",
            f"--project={options.project}",
            f"--location={options.region}",
            f"--schedule={schedule['schedule']}",
            f"--time-zone={schedule.get('timeZone') or 'UTC'}",
            f"--uri={url}",
            "--http-method=POST",
            f"--oidc-service-account-email={options.invoker}",
        ]
        deploy = [*base, "--trigger-http", "--no-allow-unauthenticated"]
        return Deployment(name, "schedule", deploy, [job])
    if getattr(endpoint, "blockingTrigger", None) is not None:
        event = BLOCKING_EVENTS.get(endpoint.blockingTrigger["eventType"], "beforeCreate")
        register = [
            "# register in Identity Platform (Authentication > Settings > Blocking functions):",
            f"{event}={url}",
        ]
        deploy = [*base, "--trigger-http", "--allow-unauthenticated"]
        return Deployment(name, "blocking", deploy, [register])
    raise ValueError(f"{name}: no trigger in its declaration")


def _retry(enabled: object) -> list[str]:
    return ["--retry"] if enabled else []


def _queue(name: str, endpoint: Any, options: Options) -> list[str]:
    """The Cloud Tasks queue (its id is the function name) with the declared retry and rates."""
    trigger = endpoint.taskQueueTrigger
    retry = trigger.get("retryConfig") or {}
    rates = trigger.get("rateLimits") or {}
    flags = {
        "max-attempts": retry.get("maxAttempts"),
        "min-backoff": _seconds(retry.get("minBackoffSeconds")),
        "max-backoff": _seconds(retry.get("maxBackoffSeconds")),
        "max-retry-duration": _seconds(retry.get("maxRetrySeconds")),
        "max-doublings": retry.get("maxDoublings"),
        "max-concurrent-dispatches": rates.get("maxConcurrentDispatches"),
        "max-dispatches-per-second": rates.get("maxDispatchesPerSecond"),
    }
    return [
        "gcloud",
        "tasks",
        "queues",
        "create",
        name,
        f"--project={options.project}",
        f"--location={options.region}",
        *(f"--{flag}={value}" for flag, value in flags.items() if _declared(value)),
    ]


def _seconds(value: object) -> str | None:
    return f"{value}s" if _declared(value) else None


def exposed_functions() -> dict[str, Any]:
    """Every function ``functions/main.py`` exposes, by name."""
    for path in (ROOT / "functions", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import main

    names = getattr(main, "__all__", None) or dir(main)
    return {
        name: getattr(main, name)
        for name in names
        if hasattr(getattr(main, name, None), "__firebase_endpoint__")
    }


def build_plan(options: Options, only: list[str] | None = None) -> list[Deployment]:
    functions = exposed_functions()
    if only:
        unknown = sorted(set(only) - set(functions))
        if unknown:
            raise SystemExit(
                f"unknown functions: {', '.join(unknown)}; known: {', '.join(sorted(functions))}"
            )
    selected = only or sorted(functions)
    return [plan_function(name, functions[name], options) for name in selected]


def render(command: list[str]) -> str:
    """One shell line. Queues and scheduler jobs are created, or updated when they exist."""
    if command and command[0].startswith("#"):
        return " ".join(command)
    line = shlex.join(command)
    if command[:2] in (["gcloud", "tasks"], ["gcloud", "scheduler"]) and "create" in command:
        line += " || " + shlex.join(["update" if part == "create" else part for part in command])
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", default="us-central1")
    parser.add_argument("--source", default=".deploy-staging")
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--firestore-location", default="nam5")
    parser.add_argument("--invoker-service-account")
    args = parser.parse_args()
    options = Options(
        project=args.project,
        region=args.region,
        source=args.source,
        firestore_location=args.firestore_location,
        invoker_service_account=args.invoker_service_account,
    )
    only = [name for name in args.only.split(",") if name]
    for deployment in build_plan(options, only or None):
        for command in deployment.commands():
            print(render(command))


if __name__ == "__main__":
    main()
