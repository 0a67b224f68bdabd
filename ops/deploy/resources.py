"""The resources a function's declaration implies beside its deploy command: the Cloud Tasks
queue of a task-queue function, the Cloud Scheduler job of a scheduled one, and the invoker
bindings of private ones, each as gcloud commands (a queue or job as create-or-update).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ops.deploy.declarations import PlanError, literal

if TYPE_CHECKING:
    from ops.deploy.commands import Options

Argv = list[str]
# firebase-tools' queue settings for whatever a task-queue declaration leaves out (its default
# of 3 attempts avoids Cloud Tasks' unbounded retries). Applied on create and update alike.
QUEUE_DEFAULTS: dict[str, float] = {
    "maxAttempts": 3,
    "minBackoffSeconds": 0.1,
    "maxBackoffSeconds": 3600,
    "maxDoublings": 16,
    "maxConcurrentDispatches": 1000,
    "maxDispatchesPerSecond": 500,
}
# A scheduler attempt waits for the function's timeout, within Cloud Scheduler's default (180s,
# used as the floor) and its maximum (1800s).
SCHEDULER_DEADLINE_S = (180, 1800)


@dataclass(frozen=True)
class Upsert:
    """A resource created on the first deploy and updated on the next ones."""

    probe: Argv
    create: Argv
    update: Argv


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def url(name: str, region: str, options: Options) -> str:
    return f"https://{region}-{options.project}.cloudfunctions.net/{name}"


def invoker_binding(name: str, region: str, member: str, options: Options) -> Argv:
    return [
        *("gcloud", "functions", "add-invoker-policy-binding", name),
        f"--project={options.project}",
        f"--region={region}",
        f"--member=serviceAccount:{member}",
    ]


def queue(name: str, endpoint: Any, region: str, options: Options) -> Upsert:
    """The Cloud Tasks queue of a task-queue function (the queue id is the function name)."""
    if not re.fullmatch(r"[A-Za-z0-9-]{1,100}", name):
        raise PlanError(f"{name}: a task-queue function's name is its queue id: no underscores")
    trigger = endpoint.taskQueueTrigger
    declared = {**(trigger.get("retryConfig") or {}), **(trigger.get("rateLimits") or {})}
    settings = {k: literal(v, name, k) for k, v in declared.items()}
    value = {**QUEUE_DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}
    flags = [
        f"--max-attempts={num(value['maxAttempts'])}",
        f"--min-backoff={num(value['minBackoffSeconds'])}s",
        f"--max-backoff={num(value['maxBackoffSeconds'])}s",
        f"--max-doublings={num(value['maxDoublings'])}",
        f"--max-concurrent-dispatches={num(value['maxConcurrentDispatches'])}",
        f"--max-dispatches-per-second={num(value['maxDispatchesPerSecond'])}",
    ]
    retry_seconds = settings.get("maxRetrySeconds")
    duration = [f"--max-retry-duration={num(retry_seconds)}s"] if retry_seconds else []
    where = [f"--project={options.project}", f"--location={region}"]
    return Upsert(
        probe=["gcloud", "tasks", "queues", "describe", name, *where],
        create=["gcloud", "tasks", "queues", "create", name, *where, *flags, *duration],
        update=[
            *("gcloud", "tasks", "queues", "update", name, *where, *flags),
            *(duration or ["--clear-max-retry-duration"]),
        ],
    )


def scheduler_job(name: str, endpoint: Any, region: str, caller: str, options: Options) -> Upsert:
    """The Cloud Scheduler job firebase-tools makes for a gen2 schedule: HTTP POST with OIDC."""
    trigger = endpoint.scheduleTrigger
    job = f"firebase-schedule-{name}-{region}"
    floor, ceiling = SCHEDULER_DEADLINE_S
    timeout = literal(endpoint.timeoutSeconds, name, "timeout") or 0
    retry = {k: literal(v, name, k) for k, v in (trigger.get("retryConfig") or {}).items()}
    retry_flags = {
        "max-retry-attempts": retry.get("retryCount"),
        "max-retry-duration": retry.get("maxRetrySeconds"),
        "min-backoff": retry.get("minBackoffSeconds"),
        "max-backoff": retry.get("maxBackoffSeconds"),
        "max-doublings": retry.get("maxDoublings"),
    }
    where = [f"--project={options.project}", f"--location={region}"]
    flags = [
        *where,
        f"--schedule={literal(trigger['schedule'], name, 'schedule')}",
        f"--time-zone={literal(trigger.get('timeZone'), name, 'timezone') or 'UTC'}",
        f"--uri={url(name, region, options)}",
        "--http-method=POST",
        f"--oidc-service-account-email={caller}",
        f"--attempt-deadline={min(max(timeout, floor), ceiling)}s",
        *(
            f"--{flag}={num(v)}{'' if flag in ('max-retry-attempts', 'max-doublings') else 's'}"
            for flag, v in retry_flags.items()
            if v is not None
        ),
    ]
    return Upsert(
        probe=["gcloud", "scheduler", "jobs", "describe", job, *where],
        create=["gcloud", "scheduler", "jobs", "create", "http", job, *flags],
        update=["gcloud", "scheduler", "jobs", "update", "http", job, *flags],
    )
