"""The files service's receipt state machine on the in-memory unit of work: settling by the
bucket's notifications, expiry, tombstones, clones and the scan hook, without Firestore or
storage. Quotas: ``test_files_quota.py``; upload requests: ``test_files_uploads.py``."""

from datetime import UTC, datetime, timedelta

from files import receipts, scanning
from files import repositories as repos
from files.content import StoredObject
from files.models.receipts import (
    FileReceipt,
    FileReferences,
    FileStatus,
)
from files.receipts import ObjectKey
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.files_receipts import (
    PATH,
    QUOTA,
    TENANT,
    a_receipt,
    receipt_in,
    reserve_one,
    stored,
    totals,
    with_pending,
)


# -- the receipt's state machine ---------------------------------------------------------------
def test_a_matching_body_turns_the_receipt_ready_and_counts_its_real_size():
    uow = with_pending(size=100)
    key = ObjectKey(TENANT, "f1")
    done = uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    assert done is not None and done.status is FileStatus.READY
    assert totals(uow) == (80, 1)
    assert [e.type for e in uow.events] == ["files.uploaded"]


def test_a_second_finalize_changes_nothing_and_repeats_the_same_event_id():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    first, event = receipt_in(uow), uow.events[0]
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    assert receipt_in(uow) is first
    assert totals(uow) == (80, 1)
    assert [e.id for e in uow.events] == [event.id]


def test_a_mismatching_body_is_rejected_and_releases_the_reservation():
    uow = with_pending(size=100)
    uow.run(lambda u: receipts.settle_finalized(u, ObjectKey(TENANT, "f1"), stored(80), "empty"))
    assert (receipt_in(uow).status, receipt_in(uow).reason) == (FileStatus.REJECTED, "empty")
    assert totals(uow) == (0, 0)
    assert [e.type for e in uow.events] == ["files.rejected"]


def test_a_rejected_receipt_is_final_even_for_a_later_matching_body():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), "empty"))
    again = uow.run(lambda u: receipts.settle_finalized(u, key, stored(80, "2"), None))
    assert again is not None and again.status is FileStatus.REJECTED
    assert totals(uow) == (0, 0)


def test_a_replaced_generation_of_a_ready_file_is_checked_again():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(90, "2"), "larger-than-declared"))
    assert receipt_in(uow).status is FileStatus.REJECTED
    assert totals(uow) == (0, 0)


def test_a_held_body_waits_in_scanning_counting_its_real_size():
    uow = with_pending(size=100)
    key = ObjectKey(TENANT, "f1")
    held = uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None, hold=True))
    assert held is not None and held.status is FileStatus.SCANNING
    assert totals(uow) == (80, 1)
    assert uow.events == []


def test_a_finalize_for_another_path_than_the_receipts_changes_nothing():
    uow = with_pending()
    other = StoredObject(**{**stored().__dict__, "name": "content/t1/attachments/f1/x/a.png"})
    key = ObjectKey(TENANT, "f1")
    assert uow.run(lambda u: receipts.settle_finalized(u, key, other, None)) is None
    assert receipt_in(uow).status is FileStatus.PENDING


def test_a_deleted_object_turns_a_ready_receipt_deleted_once_and_a_repeat_republishes():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    uow.run(lambda u: receipts.settle_deleted(u, key, PATH))
    deleted = receipt_in(uow)
    assert deleted.status is FileStatus.DELETED and totals(uow) == (0, 0)
    first = [(e.type, e.id) for e in uow.events]
    assert [kind for kind, _ in first] == ["files.deleted"]
    # A redelivery after a publish lost past the commit: nothing changes, the same event again.
    uow.run(lambda u: receipts.settle_deleted(u, key, PATH))
    assert receipt_in(uow) is deleted and totals(uow) == (0, 0)
    assert [(e.type, e.id) for e in uow.events] == first


def test_a_deleted_object_leaves_a_rejected_receipt_and_the_totals_alone():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), "empty"))
    uow.run(lambda u: receipts.settle_deleted(u, key, PATH))
    assert receipt_in(uow).status is FileStatus.REJECTED and totals(uow) == (0, 0)


PENDING = timedelta(hours=1)


def test_only_a_receipt_pending_past_its_deadline_expires():
    now = datetime.now(UTC)
    uow = FakeUnitOfWork()
    uow.run(lambda u: receipts.reserve(u, a_receipt(created_at=now - timedelta(hours=2)), QUOTA))
    uow.run(lambda u: receipts.reserve(u, a_receipt("f2", created_at=now), QUOTA))
    assert uow.run(lambda u: receipts.mark_expired(u, TENANT, "f2", now, PENDING)) is None
    expired = uow.run(lambda u: receipts.mark_expired(u, TENANT, "f1", now, PENDING))
    assert expired is not None and expired.reason == "upload-expired"
    announced = [(e.type, e.id) for e in uow.events]
    assert [kind for kind, _ in announced] == ["files.rejected"]
    assert totals(uow) == (100, 1)
    # A repeat changes nothing and emits the same event again (a lost publish is made good).
    again = uow.run(lambda u: receipts.mark_expired(u, TENANT, "f1", now, PENDING))
    assert again == receipt_in(uow) and totals(uow) == (100, 1)
    assert [(e.type, e.id) for e in uow.events] == announced


def test_a_resumable_upload_is_not_expired_while_its_week_long_session_can_still_complete():
    now = datetime.now(UTC)
    uow = FakeUnitOfWork()
    opened = now - timedelta(days=6, hours=23)
    reserve_one(uow, a_receipt(created_at=opened, resumable=True))
    assert uow.run(lambda u: receipts.mark_expired(u, TENANT, "f1", now, PENDING)) is None
    assert receipt_in(uow).status is FileStatus.PENDING
    a_week_on = opened + receipts.RESUMABLE_SESSION
    expired = uow.run(lambda u: receipts.mark_expired(u, TENANT, "f1", a_week_on, PENDING))
    assert expired is not None and expired.reason == "upload-expired"


def test_expiring_a_receipt_rejected_for_its_content_emits_nothing():
    uow = with_pending()
    uow.run(lambda u: receipts.settle_finalized(u, ObjectKey(TENANT, "f1"), stored(80), "empty"))
    later = datetime.now(UTC) + timedelta(hours=2)
    assert uow.run(lambda u: receipts.mark_expired(u, TENANT, "f1", later, PENDING)) is None
    assert uow.events == []


def test_an_unreferenced_file_is_tombstoned_once_and_a_held_one_is_kept():
    uow = with_pending()
    uow.seed(repos.references(TENANT), FileReferences(id="f1", holders=["doc/a"]))
    assert uow.run(lambda u: receipts.mark_deleted(u, TENANT, "f1")) is None
    assert totals(uow) == (100, 1)

    uow.seed(repos.references(TENANT), FileReferences(id="f1", holders=[]))
    gone = uow.run(lambda u: receipts.mark_deleted(u, TENANT, "f1"))
    assert gone is not None and gone.status is FileStatus.DELETED
    assert totals(uow) == (0, 0)
    again = uow.run(lambda u: receipts.mark_deleted(u, TENANT, "f1"))
    assert again is not None and again.status is FileStatus.DELETED and totals(uow) == (0, 0)


def test_a_temporary_file_past_its_expiry_is_tombstoned_even_while_referenced():
    now = datetime.now(UTC)
    uow = FakeUnitOfWork()
    reserve_one(uow, a_receipt(expires_at=now - timedelta(seconds=1)))
    reserve_one(uow, a_receipt("f2", expires_at=now + timedelta(hours=1)))
    reserve_one(uow, a_receipt("f3"))
    uow.seed(repos.references(TENANT), FileReferences(id="f1", holders=["doc/a"]))

    gone = uow.run(lambda u: receipts.mark_temporary_expired(u, TENANT, "f1", now))

    assert gone is not None and gone.status is FileStatus.DELETED
    assert "f1" not in uow.store[str(repos.references(TENANT).path)]

    def expire(file_id: str) -> FileReceipt | None:
        return uow.run(lambda u: receipts.mark_temporary_expired(u, TENANT, file_id, now))

    assert expire("f2") is None and expire("f3") is None
    assert totals(uow) == (200, 2)


def test_a_clone_is_reserved_ready_at_its_real_size_and_announced():
    uow = with_pending(size=100)
    copy = a_receipt("f2", size=40, status=FileStatus.READY)
    copy = copy.model_copy(update={"size": 40, "cloned_from": "f1"})

    created = uow.run(lambda u: receipts.reserve(u, copy, QUOTA))

    assert created.status is FileStatus.READY
    assert totals(uow) == (140, 2)
    assert [e.type for e in uow.events] == ["files.uploaded"]


# -- the scan hook -----------------------------------------------------------------------------
def test_the_default_hook_clears_an_unknown_one_holds_and_a_registered_one_decides():
    def only_small(receipt: FileReceipt, body: StoredObject) -> scanning.Verdict:
        if body.size > 50:
            return scanning.Verdict(scanning.Decision.REJECT, "too-big-to-trust")
        return scanning.CLEAR

    scanning.register("test-small-only", only_small)
    receipt = a_receipt()
    assert scanning.scan("none", receipt, stored(80)) is scanning.CLEAR
    assert scanning.scan("no-such-hook", receipt, stored(80)) is scanning.HOLD
    assert scanning.scan("test-small-only", receipt, stored(10)) is scanning.CLEAR
    assert scanning.scan("test-small-only", receipt, stored(80)).reason == "too-big-to-trust"


def held() -> FakeUnitOfWork:
    uow = with_pending(size=100)
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None, hold=True))
    return uow


def test_clearing_a_held_file_makes_it_ready_once():
    uow = held()
    cleared = uow.run(lambda u: receipts.settle_scan(u, TENANT, "f1", clear=True))
    assert cleared is not None and cleared.status is FileStatus.READY
    assert [e.type for e in uow.events] == ["files.uploaded"]
    after = receipt_in(uow)
    again = uow.run(lambda u: receipts.settle_scan(u, TENANT, "f1", clear=False))
    assert again is not None and again.status is FileStatus.READY
    assert receipt_in(uow) is after and totals(uow) == (80, 1)


def test_rejecting_a_held_file_releases_its_real_size():
    uow = held()
    rejected = uow.run(lambda u: receipts.settle_scan(u, TENANT, "f1", clear=False, reason="eicar"))
    assert rejected is not None and (rejected.status, rejected.reason) == (
        FileStatus.REJECTED,
        "eicar",
    )
    assert totals(uow) == (0, 0)
    assert [e.type for e in uow.events] == ["files.rejected"]


def test_receipts_whose_objects_are_gone_turn_deleted_together_once():
    uow = with_pending()
    key = ObjectKey(TENANT, "f1")
    uow.run(lambda u: receipts.settle_finalized(u, key, stored(80), None))
    reserve_one(uow, a_receipt("f2", size=30))  # still pending: not judged here
    paths = {"f1": PATH, "f2": receipt_in(uow, "f2").object_path, "f9": "content/t1/x"}

    first = uow.run(lambda u: receipts.settle_missing(u, TENANT, paths))
    first_events = [(e.type, e.id) for e in uow.events]
    second = uow.run(lambda u: receipts.settle_missing(u, TENANT, paths))

    assert [r.id for r in first] == ["f1"] and second == []
    assert [kind for kind, _ in first_events] == ["files.deleted"]
    assert [(e.type, e.id) for e in uow.events] == first_events  # republished, same id
    assert receipt_in(uow).status is FileStatus.DELETED
    assert receipt_in(uow, "f2").status is FileStatus.PENDING
    assert totals(uow) == (30, 1)
