"""What stopping deactivated callers costs each callable (``shared.caller_status``).

    ops/with-emulators functions/venv/bin/python bench/caller_check.py [--calls 100]

Prints the latency of ``user_get_preferences`` (one small read) through the Functions emulator
for a tenant caller, and, measured from this process against the same emulators, the check
alone on each path: the caller's profile flag (one field of one document: tenant callers) and
the Auth lookup (``verify_id_token(check_revoked=True)``: callers without a tenant profile,
and the revocation-checked callables). The figure without the check is the same bench run
with the check taken out of ``shared/callables.py`` by a local edit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.callable_latency import percentile, timed  # noqa: E402
from shared import caller_status  # noqa: E402
from shared.auth_context import AuthContext  # noqa: E402
from tests.support.callables import call  # noqa: E402
from tests.support.emulators import require_stack  # noqa: E402
from tests.support.user_profiles import seed_user_profile  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402


def line(label: str, samples: list[float]) -> None:
    print(
        f"{label:34}: median {statistics.median(samples):6.1f} ms   "
        f"p95 {percentile(samples, 0.95):6.1f} ms   ({len(samples)} calls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    require_stack()

    tenant_id = unique_id("bench")
    member = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(tenant_id, member)
    ctx = AuthContext.from_claims(member.uid, member.claims)
    tenantless = AuthContext(uid=member.uid)

    line(
        "callable user_get_preferences",
        timed(lambda: call("user_get_preferences", {}, member), args.calls),
    )
    line(
        "check: profile flag (tenant caller)",
        timed(lambda: caller_status.require_active(ctx, member.id_token), args.calls),
    )
    line(
        "check: Auth lookup (no profile)",
        timed(lambda: caller_status.require_active(tenantless, member.id_token), args.calls),
    )


if __name__ == "__main__":
    main()
