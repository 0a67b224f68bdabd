"""The notifications service's units of work on the in-memory fake: recording a recipient's
deliveries (thresholds, idempotency, in-app with its badge) and the inbox's badge arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifications import decisions, digests, inbox, records
from notifications import repositories as repos
from notifications.definitions import Channel, definition
from notifications.models.deliveries import (
    DeliveryRecord,
    DeliveryState,
    DigestBucket,
    DigestItem,
    Recipient,
)
from notifications.models.inbox import Badge, InAppNotification
from shared.errors import InvalidArgument
from tests.support.fake_uow import FakeUnitOfWork

TENANT = "t1"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def plan(key: str = "k1", *, user: str = "u1", **overrides: object) -> records.RecipientPlan:
    found = definition("messaging.mention")
    assert found is not None
    values: dict[str, object] = {
        "tenant_id": TENANT,
        "request_id": records.request_id(TENANT, key),
        "notification_id": "messaging.mention",
        "definition": found,
        "recipient": Recipient(user_id=user),
        "facts": decisions.Recipient(user_id=user, email=f"{user}@example.test"),
        "channels": [Channel.IN_APP, Channel.EMAIL],
        "tenant_defaults": {},
        "user_choices": {},
        "entity_id": "m1",
        "locale": None,
        "in_app": InAppNotification(
            tenant_id=TENANT, user_id=user, notification_id="messaging.mention", title="Hi"
        ),
    }
    values.update(overrides)
    return records.RecipientPlan(**values)  # type: ignore[arg-type]


def deliveries(uow: FakeUnitOfWork) -> dict[str, DeliveryRecord]:
    return uow.store.get(str(repos.deliveries(TENANT).path), {})


def badge(uow: FakeUnitOfWork, user: str = "u1") -> int:
    found = uow.store.get(str(repos.badges(TENANT).path), {}).get(user)
    return found.unread_count if found else 0


def test_a_recipient_gets_in_app_at_once_and_a_pending_email_record():
    uow = FakeUnitOfWork()
    pending = uow.run(lambda u: records.record_recipient(u, plan(), NOW))

    states = {r.channel: r.state for r in deliveries(uow).values()}
    assert states == {Channel.IN_APP: DeliveryState.SENT, Channel.EMAIL: DeliveryState.PENDING}
    assert [r.channel for r in pending] == [Channel.EMAIL]
    assert badge(uow) == 1


def test_the_same_request_twice_records_and_counts_nothing_twice():
    uow = FakeUnitOfWork()
    uow.run(lambda u: records.record_recipient(u, plan(), NOW))
    before = dict(deliveries(uow))

    again = uow.run(lambda u: records.record_recipient(u, plan(), NOW + timedelta(seconds=1)))

    assert deliveries(uow) == before
    assert badge(uow) == 1
    assert [r.channel for r in again] == [Channel.EMAIL]  # still pending: its task is re-queued


def test_a_second_request_on_the_same_entity_within_the_interval_is_skipped_as_threshold():
    uow = FakeUnitOfWork()
    uow.run(lambda u: records.record_recipient(u, plan("k1"), NOW))
    pending = uow.run(lambda u: records.record_recipient(u, plan("k2"), NOW + timedelta(seconds=5)))

    second = [
        r for r in deliveries(uow).values() if r.request_id == records.request_id(TENANT, "k2")
    ]
    assert {r.reason for r in second} == {"threshold"}
    assert pending == []
    assert badge(uow) == 1


def test_after_the_interval_the_same_entity_notifies_again():
    uow = FakeUnitOfWork()
    uow.run(lambda u: records.record_recipient(u, plan("k1"), NOW))
    uow.run(lambda u: records.record_recipient(u, plan("k2"), NOW + timedelta(seconds=61)))
    assert badge(uow) == 2


def test_a_deactivated_recipient_gets_skipped_records_and_no_in_app_notification():
    uow = FakeUnitOfWork()
    facts = decisions.Recipient(user_id="u1", email="u1@example.test", disabled=True)
    pending = uow.run(lambda u: records.record_recipient(u, plan(facts=facts), NOW))

    assert pending == []
    assert {r.reason for r in deliveries(uow).values()} == {"deactivated"}
    assert badge(uow) == 0


def test_an_in_app_template_that_failed_to_render_marks_that_record_failed_with_the_reason():
    uow = FakeUnitOfWork()
    uow.run(lambda u: records.record_recipient(u, plan(in_app=None), NOW))
    in_app = next(r for r in deliveries(uow).values() if r.channel is Channel.IN_APP)
    assert in_app.state is DeliveryState.FAILED and in_app.reason.startswith("template")  # type: ignore[union-attr]


# -- inbox ---------------------------------------------------------------------------------------
def seeded_inbox(*states: tuple[bool, bool]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    unread = 0
    for n, (seen, archived) in enumerate(states):
        uow.seed(
            repos.inbox(TENANT, "u1"),
            InAppNotification(
                id=f"n{n}",
                tenant_id=TENANT,
                user_id="u1",
                notification_id="messaging.mention",
                title="t",
                seen=seen,
                archived=archived,
            ),
        )
        unread += not seen and not archived
    uow.seed(repos.badges(TENANT), Badge(id="u1", unread_count=unread))
    return uow


def test_marking_viewed_lowers_the_badge_by_the_notifications_that_were_unseen():
    uow = seeded_inbox((False, False), (False, False), (True, False))
    count, changed = uow.run(lambda u: inbox.mark_viewed(u, TENANT, "u1", ["n0", "n2"]))
    assert (count, changed) == (1, 1)


def test_marking_viewed_twice_changes_nothing_the_second_time():
    uow = seeded_inbox((False, False))
    uow.run(lambda u: inbox.mark_viewed(u, TENANT, "u1", ["n0"]))
    assert uow.run(lambda u: inbox.mark_viewed(u, TENANT, "u1", ["n0"])) == (0, 0)


def test_archiving_an_unseen_notification_lowers_the_badge_and_a_seen_one_does_not():
    uow = seeded_inbox((False, False), (True, False))
    assert uow.run(lambda u: inbox.archive(u, TENANT, "u1", ["n0", "n1"])) == (0, 2)


def test_viewing_an_archived_unseen_notification_leaves_the_badge_alone():
    uow = seeded_inbox((False, True), (False, False))
    assert uow.run(lambda u: inbox.mark_viewed(u, TENANT, "u1", ["n0"])) == (1, 1)


def test_unknown_notification_ids_are_refused_naming_the_field_and_change_nothing():
    uow = seeded_inbox((False, False))
    with pytest.raises(InvalidArgument) as refused:
        uow.run(lambda u: inbox.mark_viewed(u, TENANT, "u1", ["n0", "nope"]))
    assert refused.value.details["fields"][0]["field"] == "notificationIds"
    assert badge(uow) == 1


# -- digests -------------------------------------------------------------------------------------
def bucket() -> DigestBucket:
    return DigestBucket(
        id="b1",
        notification_id="messaging.digest",
        recipient=Recipient(user_id="u1"),
        key="conv-1",
        window_ends_at=NOW,
    )


def add_once(uow: FakeUnitOfWork, request_id: str) -> digests.Added:
    item = DigestItem(id=request_id, data={"excerpt": request_id}, at=NOW)
    return uow.run(lambda u: digests.add(u, TENANT, bucket(), item))


def open_bucket(uow: FakeUnitOfWork, **changes: object) -> None:
    uow.seed(repos.digests(TENANT), bucket().model_copy(update=changes))


def test_a_request_finding_no_bucket_writes_nothing_and_says_so():
    uow = FakeUnitOfWork()
    assert add_once(uow, "r0") is digests.Added.MISSING
    assert str(repos.digest_items(TENANT, "b1").path) not in uow.store


def test_requests_on_one_digest_key_collect_into_one_bucket_counted_once_each():
    uow = FakeUnitOfWork()
    open_bucket(uow)
    taken = [add_once(uow, f"r{n}") for n in range(5)]
    again = add_once(uow, "r3")

    items = uow.store[str(repos.digest_items(TENANT, "b1").path)]
    assert taken == [digests.Added.ADDED] * 5
    assert again is digests.Added.DUPLICATE
    assert sorted(items) == [f"r{n}" for n in range(5)]
    assert items["r3"].data == {"excerpt": "r3"}


def test_a_flushed_bucket_takes_no_more_requests():
    uow = FakeUnitOfWork()
    open_bucket(uow, flushed=True)
    assert add_once(uow, "r1") is digests.Added.CLOSED
    assert str(repos.digest_items(TENANT, "b1").path) not in uow.store


def test_closing_a_bucket_freezes_it_even_when_repeated():
    uow = FakeUnitOfWork()
    open_bucket(uow)
    add_once(uow, "r0")

    first = uow.run(lambda u: digests.close(u, TENANT, "b1"))
    again = uow.run(lambda u: digests.close(u, TENANT, "b1"))

    assert first is not None and again is not None and again.flushed
    assert add_once(uow, "r1") is digests.Added.CLOSED
    assert uow.run(lambda u: digests.close(u, TENANT, "nope")) is None
