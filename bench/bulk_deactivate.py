"""Bulk deactivation of a tenant's users, against the floor of batched writes of the same field
from this process.

    ops/with-emulators functions/venv/bin/python bench/bulk_deactivate.py [--users 2000]

The bulk run is the real path: ``user.lifecycle.deactivate_all`` starts a sweep job and queues
its task on the Cloud Tasks emulator; ``userSweepTenantUsers`` in the Functions emulator reads
500 profiles a page and writes ``disabled`` (with who and when) in chunked batches, advancing
the job under its lease. The clock runs from the start to the job document saying done. The
floor writes the same fields to as many profiles with ``update_many`` (chunked batch commits)
and nothing else. Background triggers are paused for both runs (through the emulator hub), so
neither pays for the other's event fan-out (each disabled profile later emits ``user.disabled``
and the auth service disables the account: asynchronous, after the bulk run). A small sweep
warms the task function's worker first.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402
from shared.auth_context import AuthContext  # noqa: E402
from shared.sweeps import SweepStatus  # noqa: E402
from tests.support.emulators import background_triggers_paused, require_stack  # noqa: E402
from tests.support.tenants import seed_tenant  # noqa: E402
from tests.support.users import unique_id  # noqa: E402
from user import lifecycle  # noqa: E402
from user import repositories as repos  # noqa: E402
from user.models import first_profile  # noqa: E402

ADMIN = AuthContext(uid="bench-admin", roles=("tenant-admin",))


def seed_users(count: int) -> tuple[str, list[str]]:
    tenant_id = unique_id("bench")
    seed_tenant(tenant_id)
    now = datetime.now(UTC)
    uids = [f"{tenant_id}-u{n:05d}" for n in range(count)]
    repos.profiles(tenant_id).write_many(
        first_profile(uid, tenant_id, f"{uid}@bulk.test", f"User {uid}", ["member"], now=now)
        for uid in uids
    )
    return tenant_id, uids


def floor(users: int) -> float:
    tenant_id, uids = seed_users(users)
    now = datetime.now(UTC)
    changes = {"disabled": True, "disabled_by": ADMIN.uid, "disabled_at": now}
    start = time.perf_counter()
    repos.profiles(tenant_id).update_many((uid, changes) for uid in uids)
    return users / (time.perf_counter() - start)


def bulk(users: int) -> float:
    tenant_id, _ = seed_users(users)
    start = time.perf_counter()
    job_id = lifecycle.deactivate_all(ADMIN, tenant_id, unique_id("request"))
    while (job := lifecycle.job_status(tenant_id, job_id)).status is not SweepStatus.DONE:
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    assert job.changed == users, f"deactivated {job.changed} of {users}"
    return users / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    require_stack()
    with background_triggers_paused():
        bulk(20)
        floor_rate = floor(args.users)
        bulk_rate = bulk(args.users)
    print(f"bulk deactivation of {args.users} users:")
    print(f"  floor, batched writes from here : {floor_rate:7.0f} users/s")
    print(f"  user sweep, end to end          : {bulk_rate:7.0f} users/s")
    print(f"  ratio                           : {bulk_rate / floor_rate:.2f} (target >= 0.7)")
    ratio = bulk_rate / floor_rate
    verdict("bulk deactivation vs batched writes", f"{ratio:.2f}", ">= 0.70", ratio >= 0.7)


if __name__ == "__main__":
    main()
