"""Building the gcloud commands: one ``gcloud functions deploy NAME --gen2`` per declared
function, plus the task queues, scheduler jobs and invoker bindings its declaration implies, as
shell lines (``#`` lines are notes).

Where the declaration is silent, the defaults are firebase-tools' own (memory 256Mi, concurrency
80, timeout 60s, task queue retry and rates, scheduler time zone UTC), except CPU, which is
always explicit.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ops.deploy import resources
from ops.deploy.declarations import PlanError, exposed_functions, literal, select
from ops.deploy.resources import Argv, Upsert

PLATFORM_SECRETS = ("FOUNDATION_CURSOR_SECRET",)
"""Secret Manager secrets every function mounts (``env/README.md``): the page-cursor key."""

RUNTIME = "python311"
DEFAULT_PROJECT = "demo-foundation"
DEFAULT_REGION = "us-central1"
DEFAULT_MEMORY_MB, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S = 256, 80, 60
# firebase-tools' gen2 CPUs by memory (MB); 1 below 4 GiB. "gcf_gen1" (what set_global_options()
# puts in when given no cpu) would mean fractional CPU and concurrency 1, so it is never used.
GEN2_CPU = {4096: 2, 8192: 2, 16384: 4, 32768: 8}
PUBSUB_EVENT = "google.cloud.pubsub.topic.v1.messagePublished"
FIRESTORE_EVENT_PREFIX = "google.cloud.firestore.document.v1."
# Firestore triggers retry: every handler of the foundation is idempotent, and SDK 0.6.0 has no
# retry option for them. A function opts out with ``fn.__deploy_retry__ = False`` in its module.
FIRESTORE_RETRY = True
BLOCKING_EVENTS = {
    "providers/cloud.auth/eventTypes/user.beforeCreate": "beforeCreate",
    "providers/cloud.auth/eventTypes/user.beforeSignIn": "beforeSignIn",
}
KIND_APIS = {
    "pubsub": ("eventarc", "pubsub"),
    "firestore": ("eventarc", "firestore"),
    "task-queue": ("cloudtasks",),
    "schedule": ("cloudscheduler",),
    "blocking": ("identitytoolkit",),
}
BASE_APIS = ("cloudfunctions", "run", "cloudbuild", "artifactregistry")
INGRESS = {
    "ALLOW_ALL": "all",
    "ALLOW_INTERNAL_ONLY": "internal-only",
    "ALLOW_INTERNAL_AND_GCLB": "internal-and-gclb",
}
EGRESS = {"PRIVATE_RANGES_ONLY": "private-ranges-only", "ALL_TRAFFIC": "all"}
# Set by the plan (firebase-tools sets GCLOUD_PROJECT itself; gcloud does not, and without it
# shared.settings would fall back to the demo project) or by the platform.
RESERVED_ENV = {"GCLOUD_PROJECT", "FOUNDATION_REGION", "PORT", "K_SERVICE", "K_REVISION"}

Kind = Literal["callable", "http", "pubsub", "firestore", "task-queue", "schedule", "blocking"]


Step = Argv | Upsert | str  # a command, a create-or-update, or a note (printed as a comment)


@dataclass(frozen=True)
class Deployment:
    """One function in one region: its deploy command and what must follow it."""

    name: str
    kind: Kind
    argv: Argv
    then: tuple[Step, ...] = ()
    apis: tuple[str, ...] = ()

    def steps(self) -> list[Step]:
        return [self.argv, *self.then]


@dataclass(frozen=True, kw_only=True)
class Options:
    """Where and how to deploy; the declarations say the rest."""

    project: str = DEFAULT_PROJECT
    region: str = DEFAULT_REGION
    source: str = ".deploy-staging"
    firestore_location: str = "nam5"
    project_number: str | None = None
    invoker: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def runtime_account(self) -> str:
        """Who calls private functions: Cloud Scheduler's OIDC identity (as in firebase-tools)
        and the enqueuer of tasks (firebase-admin signs them as the calling function, which runs
        as the default compute account unless a service account is declared)."""
        number = self.project_number or "PROJECT_NUMBER"
        return self.invoker or f"{number}-compute@developer.gserviceaccount.com"

    def env_vars(self) -> dict[str, str]:
        return {
            "FOUNDATION_ENV": "production",
            **self.env,
            "GCLOUD_PROJECT": self.project,
            "FOUNDATION_REGION": self.region,
        }


def _env_flag(env: Mapping[str, str]) -> str:
    """``--set-env-vars``, with gcloud's alternate delimiter when a value holds a comma."""
    delimiter = next(d for d in ",@|;#~" if not any(d in v for v in env.values()))
    pairs = delimiter.join(f"{k}={v}" for k, v in env.items())
    return f"--set-env-vars={'' if delimiter == ',' else f'^{delimiter}^'}{pairs}"


def _deploy_argv(name: str, endpoint: Any, region: str, options: Options) -> Argv:
    memory = int(literal(endpoint.availableMemoryMb, name, "memory") or DEFAULT_MEMORY_MB)
    cpu = literal(endpoint.cpu, name, "cpu")
    if not isinstance(cpu, int) or isinstance(cpu, bool):  # None or "gcf_gen1"
        cpu = GEN2_CPU.get(memory, 1)
    concurrency = literal(endpoint.concurrency, name, "concurrency") or DEFAULT_CONCURRENCY
    timeout = literal(endpoint.timeoutSeconds, name, "timeout") or DEFAULT_TIMEOUT_S
    argv = [
        *("gcloud", "functions", "deploy", name, "--gen2"),
        f"--project={options.project}",
        f"--region={region}",
        f"--runtime={RUNTIME}",
        f"--source={options.source}",
        f"--entry-point={name}",
        f"--memory={memory}Mi",
        f"--cpu={cpu}",
        f"--concurrency={concurrency}",
        f"--timeout={timeout}s",
        _env_flag(options.env_vars()),
    ]
    optional = {
        "min-instances": literal(endpoint.minInstances, name, "min_instances"),
        "max-instances": literal(endpoint.maxInstances, name, "max_instances"),
        "service-account": literal(endpoint.serviceAccountEmail, name, "service_account"),
        "ingress-settings": INGRESS.get(str(literal(endpoint.ingressSettings, name, "ingress"))),
    }
    argv += [f"--{flag}={value}" for flag, value in optional.items() if value is not None]
    if endpoint.vpc:
        argv.append(f"--vpc-connector={endpoint.vpc['connector']}")
        if egress := EGRESS.get(str(literal(endpoint.vpc.get("egressSettings"), name, "egress"))):
            argv.append(f"--egress-settings={egress}")
    declared = literal(endpoint.secretEnvironmentVariables, name, "secrets") or []
    secrets = [*PLATFORM_SECRETS, *(s["key"] for s in declared if s["key"] not in PLATFORM_SECRETS)]
    argv.append("--set-secrets=" + ",".join(f"{key}={key}:latest" for key in secrets))
    if endpoint.labels:
        argv.append("--update-labels=" + ",".join(f"{k}={v}" for k, v in endpoint.labels.items()))
    return argv


def _retry(func: Any, trigger: Mapping[str, Any], name: str, default: bool) -> list[str]:
    override = getattr(func, "__deploy_retry__", None)
    declared = literal(trigger.get("retry"), name, "retry")
    enabled = override if isinstance(override, bool) else bool(declared) or default
    return ["--retry"] if enabled else []


def _event(name: str, func: Any, trigger: Mapping[str, Any], options: Options) -> tuple[Kind, Argv]:
    event_type = trigger["eventType"]
    filters = trigger.get("eventFilters") or {}
    if event_type == PUBSUB_EVENT:
        return "pubsub", [
            f"--trigger-topic={filters['topic']}",
            *_retry(func, trigger, name, False),
        ]
    if not event_type.startswith(FIRESTORE_EVENT_PREFIX):
        raise PlanError(f"{name}: event type {event_type} is not supported by the deploy plan")
    patterns = trigger.get("eventFilterPathPatterns") or {}
    flags = [f"--trigger-event-filters=type={event_type}"]
    flags += [f"--trigger-event-filters={k}={v}" for k, v in filters.items()]
    flags += [f"--trigger-event-filters-path-pattern={k}={v}" for k, v in patterns.items()]
    flags.append(f"--trigger-location={options.firestore_location}")
    return "firestore", [*flags, *_retry(func, trigger, name, FIRESTORE_RETRY)]


def plan_function(name: str, func: Any, options: Options) -> list[Deployment]:
    """The deployments of one decorated function: one per region it declares."""
    endpoint = func.__firebase_endpoint__
    if endpoint.entryPoint != name:
        raise PlanError(f"{name}: exported under another name than {endpoint.entryPoint}")
    apis = tuple(api["api"] for api in getattr(func, "__required_apis", []))
    return [
        _plan_in_region(name, func, endpoint, region, options, apis)
        for region in (endpoint.region or [options.region])
    ]


def _plan_in_region(
    name: str, func: Any, endpoint: Any, region: str, options: Options, apis: tuple[str, ...]
) -> Deployment:
    base = _deploy_argv(name, endpoint, region, options)
    public = ["--trigger-http", "--allow-unauthenticated"]
    private = ["--trigger-http", "--no-allow-unauthenticated"]
    if endpoint.callableTrigger is not None:
        # Public at the HTTP layer: callables verify the caller's ID token themselves.
        return Deployment(name, "callable", [*base, *public], apis=apis)
    if endpoint.httpsTrigger is not None:
        invokers = endpoint.httpsTrigger.get("invoker") or ["public"]
        if "public" in invokers:
            return Deployment(name, "http", [*base, *public], apis=apis)
        accounts = [a for a in invokers if a != "private"]
        bindings = tuple(resources.invoker_binding(name, region, a, options) for a in accounts)
        return Deployment(name, "http", [*base, *private], bindings, apis)
    if endpoint.eventTrigger is not None:
        kind, flags = _event(name, func, endpoint.eventTrigger, options)
        return Deployment(name, kind, [*base, *flags], apis=apis)
    if endpoint.taskQueueTrigger is not None:
        caller = options.runtime_account
        then = (
            resources.queue(name, endpoint, region, options),
            resources.invoker_binding(name, region, caller, options),
        )
        return Deployment(name, "task-queue", [*base, *private], then, apis)
    if endpoint.scheduleTrigger is not None:
        declared = literal(endpoint.serviceAccountEmail, name, "service_account")
        caller = declared or options.runtime_account
        job = resources.scheduler_job(name, endpoint, region, caller, options)
        then = (job, resources.invoker_binding(name, region, caller, options))
        return Deployment(name, "schedule", [*base, *private], then, apis)
    if endpoint.blockingTrigger is not None:
        trigger = endpoint.blockingTrigger
        event = BLOCKING_EVENTS.get(trigger["eventType"])
        if event is None:
            raise PlanError(f"{name}: blocking event {trigger['eventType']} is not supported")
        forwarded = [k for k, on in (trigger.get("options") or {}).items() if on] or ["none"]
        note = (
            f"register {name} in Identity Platform (Authentication > Settings > Blocking "
            f"functions) as {event}: {resources.url(name, region, options)}; forward credentials: "
            f"{', '.join(forwarded)}"
        )
        return Deployment(name, "blocking", [*base, *public], (note,), apis)
    raise PlanError(f"{name}: no trigger in its declaration")


def build_plan(options: Options, only: Sequence[str] | None = None) -> list[Deployment]:
    """The deployments of every exposed function, or of the ``only`` ones (by name)."""
    functions = exposed_functions()
    names = select(functions, only)
    return [d for name in names for d in plan_function(name, functions[name], options)]


def enable_apis(deployments: Sequence[Deployment], options: Options) -> Argv:
    """``gcloud services enable`` for what the deployments need (the SDK's required APIs too)."""
    apis = {f"{api}.googleapis.com" for api in BASE_APIS}
    for d in deployments:
        apis |= {f"{api}.googleapis.com" for api in KIND_APIS.get(d.kind, ())} | set(d.apis)
    return ["gcloud", "services", "enable", *sorted(apis), f"--project={options.project}"]


def rules_and_indexes(options: Options) -> Argv:
    only = "firestore:rules,firestore:indexes"
    return ["npx", "firebase", "deploy", "--project", options.project, "--only", only]


def render(step: Step) -> str:
    """One shell line."""
    if isinstance(step, str):
        return f"# {step}"
    if isinstance(step, Upsert):
        probe, update, create = (shlex.join(c) for c in (step.probe, step.update, step.create))
        return f"if {probe} >/dev/null 2>&1; then {update}; else {create}; fi"
    return shlex.join(step)


def plan_lines(options: Options, only: Sequence[str] | None = None) -> list[str]:
    """The whole plan as shell lines: APIs, each function in name order, then (for a full deploy,
    not an ``--only`` one) the Firestore rules and indexes through the Firebase CLI."""
    deployments = build_plan(options, only)
    lines = [render(enable_apis(deployments, options))]
    lines += [render(step) for d in deployments for step in d.steps()]
    if not only:
        lines.append(render(rules_and_indexes(options)))
    return lines
