"""Bulk claims refresh: every user of a tenant refreshed exactly once, paged and resumable,
even when the sweep is started twice and its pages delivered twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from auth import sweeps
from auth.models.sweeps import SweepAction
from shared.repository import where
from shared.sweeps import LeaseHeld, SweepJob, SweepStatus, SweepTask
from tests.support.callables import call
from tests.support.emulators import eventually
from tests.support.signup import token_claims
from tests.support.tenants import import_users, seed_profiles, seed_tenant
from tests.support.users import create_user, sign_in, unique_id
from user import repositories as user_repos


def finished(tenant_id: str, job_id: str, timeout: float = 180) -> SweepJob:
    def done() -> SweepJob | None:
        job = sweeps.SWEEPER.jobs(tenant_id).get(job_id)
        return job if job is not None and job.status is SweepStatus.DONE else None

    return eventually(done, timeout=timeout, every=0.5)


def current_claims(uids: list[str]) -> dict[str, dict]:
    from firebase_admin import auth

    from shared.clients import admin_app

    found = {}
    for start in range(0, len(uids), 100):
        chunk = [auth.UidIdentifier(uid) for uid in uids[start : start + 100]]
        for user in auth.get_users(chunk, app=admin_app()).users:
            found[user.uid] = user.custom_claims or {}
    return found


def test_a_refresh_of_1200_users_started_twice_refreshes_each_user_exactly_once():
    tenant_id = unique_id("tenant")
    seed_tenant(tenant_id, products=["core", "projects"])
    uids = import_users(tenant_id, 1200, roles=["member"])  # claims without products: stale
    cause = unique_id("products-changed")

    with ThreadPoolExecutor(max_workers=2) as pool:
        job_ids = set(
            pool.map(
                lambda _: sweeps.start_sweep(tenant_id, SweepAction.REFRESH_CLAIMS, cause), [1, 2]
            )
        )
        # A duplicate delivery of the first page races the one the task queue delivers.
        duplicate = pool.submit(_deliver, tenant_id, job_ids, 0)
    assert len(job_ids) == 1
    job_id = job_ids.pop()
    assert duplicate.result() in {0, 1, 2, 3, "lease-held"}

    job = finished(tenant_id, job_id)

    assert (job.scanned, job.changed, job.page) == (1200, 1200, 3)
    claims = current_claims(uids)
    assert len(claims) == 1200
    assert all(c["products"] == ["core", "projects"] for c in claims.values())
    stamped = user_repos.access_views(tenant_id).count(where("claims_job_id", "==", job_id))
    assert stamped == 1200

    # Started again after it finished: the same job, nothing more done.
    assert sweeps.start_sweep(tenant_id, SweepAction.REFRESH_CLAIMS, cause) == job_id
    assert sweeps.SWEEPER.run(SweepTask(tenant_id=tenant_id, job_id=job_id, page=0)) == 0
    again = sweeps.SWEEPER.jobs(tenant_id).require(job_id)
    assert (again.scanned, again.changed) == (1200, 1200)


def _deliver(tenant_id: str, job_ids: set[str], page: int) -> int | str:
    job_id = next(iter(job_ids))
    try:
        return sweeps.SWEEPER.run(SweepTask(tenant_id=tenant_id, job_id=job_id, page=page))
    except LeaseHeld:
        return "lease-held"


def test_a_job_held_by_another_worker_is_refused_and_a_finished_job_is_a_no_op():
    from datetime import UTC, datetime, timedelta

    tenant_id = unique_id("tenant")
    seed_tenant(tenant_id)
    jobs = sweeps.SWEEPER.jobs(tenant_id)
    leased = SweepJob(
        id=unique_id("job"),
        tenant_id=tenant_id,
        kind=SweepAction.REFRESH_CLAIMS,
        cause="test",
        lease_until=datetime.now(UTC) + timedelta(minutes=5),
    )
    jobs.create(leased)
    with pytest.raises(LeaseHeld):
        sweeps.SWEEPER.run(SweepTask(tenant_id=tenant_id, job_id=leased.id, page=0))

    done = SweepJob(
        id=unique_id("job"),
        tenant_id=tenant_id,
        kind=SweepAction.REFRESH_CLAIMS,
        cause="test",
        status=SweepStatus.DONE,
        page=1,
    )
    jobs.create(done)
    assert sweeps.SWEEPER.run(SweepTask(tenant_id=tenant_id, job_id=done.id, page=0)) == 0
    assert jobs.require(done.id).scanned == 0


def test_a_products_change_by_a_platform_admin_reaches_every_users_next_token(tap_events):
    tenant_id = unique_id("tenant")
    seed_tenant(tenant_id, products=["core", "projects"])
    member = create_user(tenant_id=tenant_id, roles=["member"])  # products core and projects
    seed_profiles(tenant_id, [member])
    platform_admin = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    auth_events = tap_events("auth-events")

    call("customer_update", {"tenantId": tenant_id, "products": ["core"]}, platform_admin)

    def refreshed() -> SweepJob | None:
        page = sweeps.SWEEPER.jobs(tenant_id).query(where("kind", "==", SweepAction.REFRESH_CLAIMS))
        done = [j for j in page.items if j.status is SweepStatus.DONE]
        return done[0] if done else None

    job = eventually(refreshed, timeout=60)
    assert job.changed == 1
    assert token_claims(sign_in(member.email))["products"] == ["core"]
    assert user_repos.access_views(tenant_id).require(member.uid).jwt_updated_at is not None
    event = auth_events.wait_for(lambda e: e.type == "auth.claims_set" and e.tenant_id == tenant_id)
    assert event.data["userIds"] == [member.uid]
