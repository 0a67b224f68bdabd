"""``user_list`` latency over a tenant of 5,000 users: the first page, and a page deep in the
list (cursor paging must not slow down with depth).

    ops/with-emulators functions/venv/bin/python bench/user_list.py [--users 5000] [--calls 30]

Both go through the Functions emulator as a signed-in tenant admin, 50 users a page. The deep
page starts from the cursor of position ~4,900, reached once by walking the pages. Background
triggers are paused while the profiles are seeded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions"), str(ROOT / "bench")]

from callable_latency import percentile, timed  # noqa: E402

from tests.support.callables import call  # noqa: E402
from tests.support.emulators import background_triggers_paused, require_stack  # noqa: E402
from tests.support.tenants import seed_tenant  # noqa: E402
from tests.support.users import create_user, unique_id  # noqa: E402
from user import repositories as repos  # noqa: E402
from user.models.profiles import first_profile  # noqa: E402

PAGE = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    require_stack()
    tenant_id = unique_id("bench")
    seed_tenant(tenant_id)
    now = datetime.now(UTC)
    with background_triggers_paused():
        repos.profiles(tenant_id).write_many(
            first_profile(
                f"u{n:05d}", tenant_id, f"u{n:05d}@bench.test", f"User {n}", ["member"], now=now
            )
            for n in range(args.users)
        )
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])

    cursor = None
    for _ in range((args.users - 100) // 100):
        cursor = call("user_list", {"limit": 100, "cursor": cursor}, admin)["nextCursor"]

    first = timed(lambda: call("user_list", {"limit": PAGE}, admin), args.calls)
    deep = timed(lambda: call("user_list", {"limit": PAGE, "cursor": cursor}, admin), args.calls)
    print(f"user_list over {args.users} users, {PAGE} a page ({args.calls} calls each):")
    deep_name = f"deep page (~{args.users - 100:,})"
    for name, samples in (("first page", first), (deep_name, deep)):
        print(
            f"  {name:19}: median {statistics.median(samples):6.1f} ms, "
            f"p95 {percentile(samples, 0.95):6.1f} ms"
        )


if __name__ == "__main__":
    main()
