"""Callable latency through the Functions emulator, against the floor of the same Firestore
write made directly from this process.

    ops/with-emulators functions/venv/bin/python bench/callable_latency.py [--calls 100]

The callable is ``example_create_project`` as a signed-in manager (token check, permission,
validation, one create); the floor creates the same project document with the repository.
"no write" is the same call refused by validation: the function layer's fixed cost alone. Both
talk to the same emulators on this machine, so the ratio is what the function layer costs (HTTP
hop, token verification, logging), not Firestore itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from example import repositories as repos  # noqa: E402
from example.models import Project  # noqa: E402
from tests.support.callables import CallableError, call  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action, calls: int) -> list[float]:
    for _ in range(5):  # warm-up: the emulator's worker and the clients' connections
        action()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    require_stack()

    tenant_id = unique_id("bench")
    manager = create_user(tenant_id=tenant_id, roles=["project-manager"])
    projects = repos.projects(tenant_id)

    def through_callable() -> None:
        call("example_create_project", {"name": "Bench"}, manager)

    def refused_before_any_write() -> None:
        """The same hop, token check and validation, refused (no ``name``): no Firestore."""
        try:
            call("example_create_project", {}, manager)
        except CallableError:
            return
        raise AssertionError("an empty project was accepted")

    def direct_write() -> None:
        projects.create(
            Project(id=projects.new_id(), tenant_id=tenant_id, name="Bench", owner_id=manager.uid)
        )

    callable_ms = timed(through_callable, args.calls)
    hop_ms = timed(refused_before_any_write, args.calls)
    floor_ms = timed(direct_write, args.calls)
    for label, samples in (
        ("callable", callable_ms),
        ("no write", hop_ms),
        ("direct write", floor_ms),
    ):
        print(
            f"{label:13}: median {statistics.median(samples):6.1f} ms   "
            f"p95 {percentile(samples, 0.95):6.1f} ms   ({len(samples)} calls)"
        )
    ratio = statistics.median(callable_ms) / statistics.median(floor_ms)
    print(
        f"ratio        : median {ratio:.1f}x"
        f"   p95 {percentile(callable_ms, 0.95) / percentile(floor_ms, 0.95):.1f}x"
    )
    verdict("callable median vs a direct write", f"{ratio:.2f}x", "<= 2.00x", ratio <= 2.0)


if __name__ == "__main__":
    main()
