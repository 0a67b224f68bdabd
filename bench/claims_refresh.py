"""Bulk claims refresh of a tenant's users in the Auth emulator, against the floor of setting
the same claims with a plain loop of Admin SDK calls from this process.

    ops/with-emulators functions/venv/bin/python bench/claims_refresh.py [--users 2000]

The refresh runs the real path: a sweep job is started, its Firestore trigger queues the
pages on the Cloud Tasks emulator, and ``authSweepTenantUsers`` processes 500 users a page in
the Functions emulator (read the profiles, read the current claims 100 at a time, set the stale
ones with a few calls in flight, stamp ``jwtUpdatedAt``, emit ``auth.claims_set``). The clock
runs from the start to the job document saying done. The floor sets the same claims one user at
a time and writes nothing else. Background triggers are paused for both runs: the sweep's
2,000 profile stamps would fire 2,000 profile triggers (which emit nothing for a stamp, but
queue up in the emulator) and the sweep needs none to run. Each run uses fresh users whose
claims are all stale; a sweep of 20 users warms the task function's worker up first.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from auth import sweeps  # noqa: E402
from auth.claims import claims_for  # noqa: E402
from auth.models.sweeps import SweepAction  # noqa: E402
from bench.verdict import verdict  # noqa: E402
from shared.sweeps import SweepStatus  # noqa: E402
from tests.support.emulators import background_triggers_paused, require_stack  # noqa: E402
from tests.support.tenants import import_users, seed_tenant  # noqa: E402
from tests.support.users import unique_id  # noqa: E402

PRODUCTS = ["core", "projects"]


def floor(users: int) -> float:
    """Users per second of a plain loop of ``set_custom_user_claims``."""
    from firebase_admin import auth

    from shared.clients import admin_app

    tenant_id = unique_id("floor")
    uids = import_users(tenant_id, users, roles=["member"])
    start = time.perf_counter()
    for uid in uids:
        claims = claims_for(uid, tenant_id, ["member"], PRODUCTS)
        auth.set_custom_user_claims(uid, claims, app=admin_app())
    return users / (time.perf_counter() - start)


def refresh(users: int) -> float:
    """Users per second of the sweep, from start to done (the task function warmed up first by a
    small sweep, as the floor's Admin SDK client is warm)."""
    tenant_id = unique_id("sweep")
    seed_tenant(tenant_id, products=PRODUCTS)
    import_users(tenant_id, users, roles=["member"])
    start = time.perf_counter()
    job_id = sweeps.start_sweep(tenant_id, SweepAction.REFRESH_CLAIMS, unique_id("bench"))
    while True:
        job = sweeps.SWEEPER.jobs(tenant_id).require(job_id)
        if job.status is SweepStatus.DONE:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    assert job.changed == users, f"refreshed {job.changed} of {users}"
    return users / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    require_stack()
    with background_triggers_paused():
        floor_rate = floor(args.users)
        refresh(20)
        sweep_rate = refresh(args.users)
    print(f"claims refresh of {args.users} users (Auth emulator):")
    print(f"  floor, plain Admin SDK loop : {floor_rate:7.0f} users/s")
    print(f"  sweep, end to end           : {sweep_rate:7.0f} users/s")
    print(f"  ratio                       : {sweep_rate / floor_rate:.2f} (target >= 0.8)")
    ratio = sweep_rate / floor_rate
    verdict("claims refresh vs an Admin SDK loop", f"{ratio:.2f}", ">= 0.80", ratio >= 0.8)


if __name__ == "__main__":
    main()
