"""Talking to the running emulator suite: endpoints, clearing data, waiting for effects."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import requests

T = TypeVar("T")

PROJECT = os.environ.get("GCLOUD_PROJECT", "demo-foundation")
REGION = "us-central1"


def host(variable: str) -> str:
    """The emulator host from the environment; a clear failure outside ops/with-emulators."""
    value = os.environ.get(variable)
    if not value:
        raise RuntimeError(
            f"{variable} is not set: run the tests under the local stack, "
            "e.g. `ops/with-emulators pytest` (or `make test`)"
        )
    return value.removeprefix("http://")


def require_stack() -> None:
    for variable in (
        "FIRESTORE_EMULATOR_HOST",
        "FIREBASE_AUTH_EMULATOR_HOST",
        "PUBSUB_EMULATOR_HOST",
    ):
        host(variable)


def functions_url(name: str) -> str:
    return f"http://127.0.0.1:5001/{PROJECT}/{REGION}/{name}"


def clear_firestore() -> None:
    url = (
        f"http://{host('FIRESTORE_EMULATOR_HOST')}/emulator/v1/projects/{PROJECT}"
        "/databases/(default)/documents"
    )
    requests.delete(url, timeout=30).raise_for_status()


def clear_auth() -> None:
    url = f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/emulator/v1/projects/{PROJECT}/accounts"
    requests.delete(url, timeout=30).raise_for_status()


def eventually(probe: Callable[[], T | None], *, timeout: float = 30, every: float = 0.2) -> T:
    """Poll ``probe`` until it returns something truthy (background work is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        time.sleep(every)


@contextlib.contextmanager
def background_triggers_paused() -> Iterator[None]:
    """Pause Firestore and Pub/Sub triggers (through the emulator hub) for a benchmark's bulk
    seeding or bulk run whose per-document trigger fan-out is not being measured: the emulator
    runs that fan-out one invocation at a time.

    Benchmarks only, not tests: resuming reloads every function's trigger, task queues
    included, and a task queued right after that was seen never to be dispatched."""
    hub = f"http://{os.environ.get('FIREBASE_EMULATOR_HUB', '127.0.0.1:4400')}/functions"
    requests.put(f"{hub}/disableBackgroundTriggers", timeout=30).raise_for_status()
    try:
        yield
    finally:
        requests.put(f"{hub}/enableBackgroundTriggers", timeout=30).raise_for_status()
