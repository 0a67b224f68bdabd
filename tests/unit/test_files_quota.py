"""The files service's quotas on the in-memory unit of work: the tenant's totals and overrides,
and each user's pending reservations (what an upload holds until its bytes arrive)."""

from datetime import UTC, datetime, timedelta

import pytest

from files import receipts, usage
from files import repositories as repos
from files.models.receipts import (
    FileReceipt,
    FileStatus,
    PendingLimit,
    Quota,
    TenantUsage,
)
from files.receipts import ObjectKey
from shared.errors import ResourceExhausted
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.files_receipts import (
    PATH,
    QUOTA,
    TENANT,
    a_receipt,
    receipt_in,
    receipts_in,
    reserve_one,
    stored,
    totals,
    with_pending,
)


# -- quota -------------------------------------------------------------------------------------
def test_a_reservation_counts_the_declared_size_and_one_file():
    uow = with_pending(size=100)
    assert totals(uow) == (100, 1)
    assert receipt_in(uow).status is FileStatus.PENDING


def test_a_reservation_over_the_byte_quota_is_resource_exhausted_and_writes_nothing():
    uow = with_pending(size=900)
    with pytest.raises(ResourceExhausted):
        uow.run(lambda u: receipts.reserve(u, a_receipt("f2", size=101), QUOTA))
    assert totals(uow) == (900, 1)
    assert "f2" not in receipts_in(uow)


def test_a_reservation_over_the_file_count_quota_is_resource_exhausted():
    uow = FakeUnitOfWork()
    for n in range(3):
        reserve_one(uow, a_receipt(f"f{n}", size=1))
    with pytest.raises(ResourceExhausted):
        uow.run(lambda u: receipts.reserve(u, a_receipt("f9", size=1), QUOTA))
    assert totals(uow) == (3, 3)


def test_a_tenant_override_replaces_the_default_quota_field_by_field():
    uow = FakeUnitOfWork()
    uow.seed(repos.usage(TENANT), TenantUsage(id=repos.USAGE_DOC, quota_bytes=5000))
    uow.run(lambda u: receipts.reserve(u, a_receipt(size=4000), QUOTA))  # over the default
    assert totals(uow) == (4000, 1)
    uow.run(lambda u: usage.Totals(u, TENANT).override(None, 1))
    with pytest.raises(ResourceExhausted):  # now at most one file, the default byte quota
        uow.run(lambda u: receipts.reserve(u, a_receipt("f2", size=1), QUOTA))


def test_overriding_the_quota_keeps_the_totals():
    uow = with_pending(size=100)
    uow.run(lambda u: usage.Totals(u, TENANT).override(50, None))
    assert totals(uow) == (100, 1)
    stored_totals = uow.store[str(repos.usage(TENANT).path)][repos.USAGE_DOC]
    assert usage.quota_of(stored_totals, QUOTA) == Quota(bytes=50, files=3)


# -- a user's pending reservations ------------------------------------------------------------
LIMIT = PendingLimit(bytes=250, files=2)


def pending_of(uow: FakeUnitOfWork, uid: str = "u1") -> tuple[int, int]:
    found = uow.store.get(str(repos.pending_uploads(TENANT).path), {}).get(uid)
    return (found.bytes, found.files) if found else (0, 0)


def reserve_limited(uow: FakeUnitOfWork, receipt: FileReceipt) -> None:
    uow.run(lambda u: receipts.reserve(u, receipt, QUOTA, LIMIT))


def test_a_users_pending_reservations_stop_at_their_file_count_naming_the_limit():
    uow = FakeUnitOfWork()
    reserve_limited(uow, a_receipt("f0", size=10))
    reserve_limited(uow, a_receipt("f1", size=10))
    with pytest.raises(ResourceExhausted) as refused:
        uow.run(lambda u: receipts.reserve(u, a_receipt("f9", size=10), QUOTA, LIMIT))
    assert refused.value.details["type"] == "files/pending-limit"
    assert (refused.value.details["pendingFiles"], refused.value.details["limitFiles"]) == (2, 2)
    assert pending_of(uow) == (20, 2) and "f9" not in receipts_in(uow)
    other = a_receipt("f8", size=10).model_copy(update={"owner_id": "u2"})
    uow.run(lambda u: receipts.reserve(u, other, QUOTA, LIMIT))  # another user is not held up
    assert pending_of(uow, "u2") == (10, 1)


def test_a_users_pending_reservations_stop_at_their_bytes():
    uow = FakeUnitOfWork()
    uow.run(lambda u: receipts.reserve(u, a_receipt(size=200), QUOTA, LIMIT))
    with pytest.raises(ResourceExhausted) as refused:
        uow.run(lambda u: receipts.reserve(u, a_receipt("f2", size=51), QUOTA, LIMIT))
    assert refused.value.details["type"] == "files/pending-limit"
    assert pending_of(uow) == (200, 1)


@pytest.mark.parametrize("outcome", ["ready", "rejected", "held", "expired", "gone", "unheld"])
def test_a_reservation_leaving_pending_gives_the_users_pending_allowance_back(outcome):
    uow = FakeUnitOfWork()
    made = a_receipt(size=200, created_at=datetime.now(UTC))
    uow.run(lambda u: receipts.reserve(u, made, QUOTA, LIMIT))
    assert pending_of(uow) == (200, 1)
    key = ObjectKey(TENANT, "f1")
    late = datetime.now(UTC) + timedelta(days=8)
    settle = {
        "ready": lambda u: receipts.settle_finalized(u, key, stored(80), None),
        "rejected": lambda u: receipts.settle_finalized(u, key, stored(80), "empty"),
        "held": lambda u: receipts.settle_finalized(u, key, stored(80), None, hold=True),
        "expired": lambda u: receipts.mark_expired(u, TENANT, "f1", late, timedelta(hours=1)),
        "gone": lambda u: receipts.settle_deleted(u, key, PATH),
        "unheld": lambda u: receipts.mark_deleted(u, TENANT, "f1"),
    }[outcome]
    uow.run(settle)
    uow.run(settle)  # a repeat gives nothing back twice
    assert pending_of(uow) == (0, 0)
    assert receipt_in(uow).status is not FileStatus.PENDING


def test_a_ready_clone_holds_no_pending_reservation():
    uow = FakeUnitOfWork()
    ready = a_receipt(size=200).model_copy(update={"status": FileStatus.READY, "size": 200})
    uow.run(lambda u: receipts.reserve(u, ready, QUOTA, PendingLimit(bytes=1, files=1)))
    assert pending_of(uow) == (0, 0) and totals(uow) == (200, 1)
