"""What a second delivery of the same event or task does, on the in-memory store: a digest
whose flush could not be queued, a nudge fired again after its record was written, an event
whose request can never validate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from notifications import digests, dispatch, nudges, records
from notifications import repositories as repos
from notifications.definitions import Channel, definition
from notifications.models.deliveries import (
    DeliveryRecord,
    DeliveryState,
    DigestBucket,
    DispatchRequest,
    Recipient,
)
from shared import events
from tests.support.notification_fakes import FakeNotifications, fake_notifications

TENANT = "t1"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    return fake_notifications(monkeypatch)


# -- digests -----------------------------------------------------------------------------------
def digest_request(key: str) -> tuple[DispatchRequest, str]:
    request = DispatchRequest(
        notification_id="messaging.digest",
        tenant_id=TENANT,
        recipients=[Recipient(user_id="u1")],
        data={"conversationId": "conv-1", "excerpt": key},
        idempotency_key=key,
    )
    request_id = records.request_id(TENANT, key)
    dispatch.store_request(request, request_id)
    return request, request_id


def collect(request: DispatchRequest, request_id: str) -> int:
    found = definition("messaging.digest")
    assert found is not None
    return digests.collect(request, request_id, found)


def flushes(fake: FakeNotifications) -> list[str | None]:
    return [q.task_id for q in fake.tasks.queued if q.function == digests.FLUSH_FUNCTION]


def test_a_stored_request_expires_by_ttl_after_30_days_and_the_ttl_policy_is_declared(fake):
    import json
    from pathlib import Path

    _, request_id = digest_request("ttl")
    stored = fake.docs(repos.requests(TENANT))[request_id]
    assert stored.expire_at is not None
    kept = stored.expire_at - datetime.now(UTC)
    assert timedelta(days=29) < kept <= timedelta(days=30)
    indexes = json.loads((Path(__file__).parents[2] / "firestore.indexes.json").read_text())
    ttl = {
        (o["collectionGroup"], o["fieldPath"]) for o in indexes["fieldOverrides"] if o.get("ttl")
    }
    assert ("notificationRequests", "expireAt") in ttl


def test_a_digest_whose_flush_could_not_be_queued_is_repaired_by_the_redelivery(fake):
    request, request_id = digest_request("m1")
    fake.tasks.fail_next = 1
    with pytest.raises(RuntimeError):
        collect(request, request_id)

    assert collect(request, request_id) == 0  # already in the bucket: counted once
    buckets = fake.docs(repos.digests(TENANT))
    assert len(buckets) == 1 and flushes(fake) == list(buckets)


def test_a_bucket_opened_without_its_flush_is_flushed_by_the_next_request(fake):
    first, first_id = digest_request("m1")
    collect(first, first_id)
    fake.tasks.queued.clear()  # as if the opener had died before queuing it

    second, second_id = digest_request("m2")
    assert collect(second, second_id) == 1
    assert flushes(fake) == list(fake.docs(repos.digests(TENANT)))


def test_every_request_of_a_window_queues_the_one_flush_name(fake):
    for key in ("m1", "m2", "m3"):
        collect(*digest_request(key))
    bucket: DigestBucket = next(iter(fake.docs(repos.digests(TENANT)).values()))
    assert flushes(fake) == [bucket.id]


# -- nudges ------------------------------------------------------------------------------------
def nudge_task(fake: FakeNotifications) -> tuple[nudges.NudgeTask, str]:
    request = DispatchRequest(
        notification_id="messaging.direct_message",
        tenant_id=TENANT,
        recipients=[Recipient(user_id="u1")],
        idempotency_key="dm-1",
    )
    request_id = records.request_id(TENANT, "dm-1")
    dispatch.store_request(request, request_id)
    found = definition("messaging.direct_message")
    assert found is not None and found.nudges
    nudge = found.nudges[0]
    task = nudges.NudgeTask(
        tenant_id=TENANT, request_id=request_id, user_id="u1", nudge_id=nudge.id
    )
    return task, records.delivery_id(request_id, "u1", nudge.channel, nudge.id)


def nudge_record(record_id: str, **changes: Any) -> DeliveryRecord:
    return DeliveryRecord(
        id=record_id,
        tenant_id=TENANT,
        request_id="r",
        notification_id="messaging.direct_message",
        channel=Channel.EMAIL,
        recipient_id="u1",
        **changes,
    )


def test_a_nudge_whose_condition_fails_records_a_condition_skip(fake):
    task, record_id = nudge_task(fake)
    nudges.fire(task)  # the in-app notification does not exist: not unseen
    record = fake.docs(repos.deliveries(TENANT))[record_id]
    assert (record.state, record.reason) == (DeliveryState.SKIPPED, "condition")


@pytest.mark.parametrize(
    "earlier",
    [
        {"state": DeliveryState.SENT, "attempts": 1},
        {"state": DeliveryState.PENDING, "attempts": 1},
        {"state": DeliveryState.FAILED, "attempts": 1, "reason": "smtp down"},
    ],
)
def test_a_redelivered_nudge_never_rewrites_what_its_delivery_did(fake, earlier):
    task, record_id = nudge_task(fake)
    fake.seed(repos.deliveries(TENANT), nudge_record(record_id, **earlier))

    nudges.fire(task)

    record = fake.docs(repos.deliveries(TENANT))[record_id]
    assert (record.state, record.attempts) == (earlier["state"], earlier["attempts"])


def test_a_nudge_whose_condition_ended_before_its_delivery_was_claimed_is_skipped(fake):
    task, record_id = nudge_task(fake)
    fake.seed(repos.deliveries(TENANT), nudge_record(record_id))

    nudges.fire(task)
    assert fake.docs(repos.deliveries(TENANT))[record_id].state is DeliveryState.SKIPPED


# -- poison events -----------------------------------------------------------------------------
def test_an_event_whose_request_cannot_validate_is_logged_and_acknowledged(monkeypatch, caplog):
    from notifications import triggers

    dispatched: list[DispatchRequest] = []
    monkeypatch.setattr(dispatch, "dispatch", dispatched.append)
    event = events.new_event(
        "messaging.user_mentioned",
        tenant_id=TENANT,
        subject_id="m1",
        data={"mentionedUserIds": ["u" * 300], "senderId": "ann", "senderName": "Ann"},
    )

    triggers._dispatch_event(event)  # returns: Pub/Sub acknowledges, never retries

    assert dispatched == []
    assert any("does not validate" in r.getMessage() for r in caplog.records)


def test_a_valid_event_is_still_dispatched(monkeypatch):
    from notifications import triggers

    dispatched: list[DispatchRequest] = []
    monkeypatch.setattr(dispatch, "dispatch", dispatched.append)
    event = events.new_event(
        "messaging.user_mentioned",
        tenant_id=TENANT,
        subject_id="m1",
        data={"mentionedUserIds": ["bo"], "senderId": "ann", "senderName": "Ann"},
    )
    triggers._dispatch_event(event)
    assert [r.recipients for r in dispatched] == [[Recipient(user_id="bo")]]
