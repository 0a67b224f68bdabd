"""Does asking for a password-reset or verification link take longer when the email has an
account? (It must not: the time would tell an attacker which emails are users.)

    ops/with-emulators functions/venv/bin/python bench/action_links.py [--calls 40]

For each callable, ``--calls`` requests for emails of existing accounts and as many for unknown
emails, interleaved (so drift hits both alike), each from its own caller address and for its
own email (the throttles never refuse). Prints the medians, p90s and their difference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from callable_latency import percentile  # noqa: E402

from tests.support.callables import call  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402

CALLABLES = ("auth_send_password_reset", "auth_send_email_verification")


def once(name: str, email: str) -> float:
    headers = {"X-Forwarded-For": unique_id("bench-client")}
    start = time.perf_counter()
    call(name, {"email": email}, headers=headers)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    require_stack()
    users = [create_user(tenant_id=None, roles=[]) for _ in range(args.calls)]
    for name in CALLABLES:
        for _ in range(5):  # warm-up: the emulator's worker and the clients' connections
            once(name, f"{unique_id('warm')}@bench.test")
        known: list[float] = []
        unknown: list[float] = []
        for user in users:
            known.append(once(name, user.email))
            unknown.append(once(name, f"{unique_id('nobody')}@bench.test"))
        k, u = statistics.median(known), statistics.median(unknown)
        print(
            f"{name}: existing email median {k:.1f} ms (p90 {percentile(known, 0.9):.1f}), "
            f"unknown email median {u:.1f} ms (p90 {percentile(unknown, 0.9):.1f}), "
            f"difference {k - u:+.1f} ms"
        )


if __name__ == "__main__":
    main()
