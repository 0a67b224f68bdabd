"""The files service's rules on the in-memory unit of work: quota, the grouping allow-list and
the receipt's state machine, without Firestore or storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from files import receipts, scanning, usage
from files import repositories as repos
from files.content import StoredObject
from files.models.receipts import (
    CreateUpload,
    FileReceipt,
    FileReferences,
    FileStatus,
    PendingLimit,
    Quota,
    TenantUsage,
)
from files.receipts import ObjectKey
from files.uploads import check_request, config
from shared.errors import InvalidArgument, ResourceExhausted
from tests.support.fake_uow import FakeUnitOfWork

TENANT = "t1"
QUOTA = Quota(bytes=1000, files=3)
PATH = "content/t1/attachments/f1/tok/a.png"


def a_receipt(
    file_id: str = "f1", *, size: int = 100, status: FileStatus = FileStatus.PENDING, **extra
) -> FileReceipt:
    return FileReceipt(
        id=file_id,
        tenant_id=TENANT,
        owner_id="u1",
        grouping_id="attachments",
        name="a.png",
        content_type="image/png",
        declared_size=size,
        token="tok",
        object_path=PATH if file_id == "f1" else f"content/t1/attachments/{file_id}/tok/a.png",
        status=status,
        **extra,
    )


def stored(size: int = 80, generation: str = "1") -> StoredObject:
    return StoredObject(
        name=PATH,
        size=size,
        content_type="image/png",
        md5_hash="md5",
        crc32c="crc",
        generation=generation,
        head=b"\x89PNG\r\n\x1a\n",
    )


def totals(uow: FakeUnitOfWork) -> tuple[int, int]:
    found = uow.store.get(str(repos.usage(TENANT).path), {}).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def receipts_in(uow: FakeUnitOfWork) -> dict[str, FileReceipt]:
    return uow.store.get(str(repos.receipts(TENANT).path), {})


def receipt_in(uow: FakeUnitOfWork, file_id: str = "f1") -> FileReceipt:
    return receipts_in(uow)[file_id]


def reserve_one(uow: FakeUnitOfWork, receipt: FileReceipt) -> None:
    uow.run(lambda u: receipts.reserve(u, receipt, QUOTA))


def with_pending(size: int = 100) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.run(lambda u: receipts.reserve(u, a_receipt(size=size), QUOTA))
    return uow


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


# -- the grouping allow-list -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grouping_id": "nope"}, "groupingId"),
        ({"content_type": "application/x-msdownload"}, "contentType"),
        ({"grouping_id": "avatars", "content_type": "application/pdf"}, "contentType"),
        ({"size": 10**12}, "size"),
    ],
)
def test_the_grouping_refuses_what_it_does_not_allow_naming_the_field(changes, field):
    request = CreateUpload.model_validate(
        {"file_name": "a.png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
        | changes
    )
    with pytest.raises(InvalidArgument) as refused:
        check_request(request, config())
    assert refused.value.details["fields"][0]["field"] == field


def test_an_upload_is_public_as_its_grouping_unless_it_says_otherwise():
    base = {"file_name": "a.png", "content_type": "image/png", "size": 10}
    avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars"})
    private_avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars", "public": False})
    attachment = CreateUpload.model_validate(base | {"grouping_id": "attachments"})
    assert check_request(avatar, config()) is True
    assert check_request(private_avatar, config()) is False
    assert check_request(attachment, config()) is False


def test_a_private_grouping_refuses_an_upload_asking_to_be_public_naming_public():
    base = {"file_name": "a.png", "content_type": "image/png", "size": 10, "public": True}
    for grouping in ("attachments", "reviewed"):
        request = CreateUpload.model_validate(base | {"grouping_id": grouping})
        with pytest.raises(InvalidArgument) as refused:
            check_request(request, config())
        assert refused.value.details["fields"][0]["field"] == "public"
    avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars"})
    assert check_request(avatar, config()) is True


def test_an_object_path_names_tenant_grouping_file_and_name_but_no_token():
    from files.uploads import object_path

    assert object_path(TENANT, "attachments", "f1", "a.png", public=False) == (
        "content/t1/attachments/f1/a.png"
    )
    assert object_path(TENANT, "avatars", "f1", "a.png", public=True) == (
        "assets/t1/avatars/f1/a.png"
    )


@pytest.mark.parametrize(
    "name",
    [
        "a/b.png",
        "a\\b.png",
        "a\x85b.png",  # C1 (next line)
        "a\x9bb.png",  # C1 (control sequence introducer)
        "a\u2028b.png",
        "a\u2029b.png",
        "invoice\u202egnp.exe",  # right-to-left override
        "a\u2066b\u2069.png",  # an isolate
        "\u200ba.png",
        "a.png\u200d",
        "\ufeffa.png",
    ],
)
def test_a_file_name_that_could_pass_for_another_or_break_a_path_is_refused(name):
    with pytest.raises(ValueError, match=r"file_name|fileName"):
        CreateUpload.model_validate(
            {"file_name": name, "content_type": "image/png", "size": 10, "grouping_id": "x"}
        )


def test_a_zero_width_joiner_inside_a_name_is_kept():
    req = CreateUpload.model_validate(
        {"file_name": "fam\u200dily.png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
    )
    assert req.file_name == "fam\u200dily.png"


def test_a_name_whose_object_path_exceeds_1024_utf8_bytes_is_refused_naming_file_name(
    monkeypatch,
):
    from files import objects, uploads
    from shared.repository import CollectionRepository

    def no_io(*args, **kwargs):
        raise AssertionError("signed or opened a session for a refused upload")

    monkeypatch.setattr(CollectionRepository, "new_id", lambda self: "f" * 20)
    monkeypatch.setattr(objects, "upload_url", no_io)
    monkeypatch.setattr(objects, "resumable_session", no_io)
    monkeypatch.setattr(uploads, "in_transaction", no_io)
    request = CreateUpload.model_validate(
        {"file_name": "\U0001f600" * 250 + ".png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
    )  # 1,004 bytes: under the field's 255 characters, over the path's 1,024 bytes
    with pytest.raises(InvalidArgument) as refused:
        uploads.create_upload(TENANT, "u1", request)
    assert refused.value.details["fields"][0]["field"] == "fileName"
    path = uploads.object_path(TENANT, "attachments", "f" * 20, "a" * 900, public=False)
    assert uploads.check_object_path(path) == path


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
