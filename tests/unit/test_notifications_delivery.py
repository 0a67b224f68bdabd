"""Delivery attempts on the in-memory store: claims and their lease, failures of every kind,
retries, resends and the task names they use, a redelivered dispatch. The channel's ``send`` is
replaced by a script; nothing leaves the process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from notifications import delivery, dispatch, records
from notifications import repositories as repos
from notifications.channels import DeliveryFailed
from notifications.config import config
from notifications.definitions import Channel
from notifications.models.deliveries import DeliverTask, DeliveryRecord, DeliveryState
from shared.errors import FailedPrecondition
from tests.support.notification_fakes import FakeNotifications, fake_notifications

TENANT = "t1"
ID = "d1"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    found = fake_notifications(monkeypatch)
    monkeypatch.setattr(delivery, "SENT_RECORD_PAUSES", (0.0, 0.0, 0.0), raising=False)
    return found


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The records the channel sent (every send succeeds)."""
    sent: list[str] = []
    monkeypatch.setattr(delivery, "send", lambda record: sent.append(record.id))
    return sent


def channel_does(monkeypatch: pytest.MonkeyPatch, *steps: Callable[[], None]) -> list[str]:
    """The channel runs ``steps`` in turn (raise to fail), then sends; answers what it sent."""
    sent: list[str] = []
    left = list(steps)

    def send(record: DeliveryRecord) -> None:
        if left:
            left.pop(0)()
        sent.append(record.id)

    monkeypatch.setattr(delivery, "send", send)
    return sent


def raises(error: Exception) -> Callable[[], None]:
    def step() -> None:
        raise error

    return step


def seed(fake: FakeNotifications, **changes: object) -> DeliveryRecord:
    record = DeliveryRecord(
        id=ID,
        tenant_id=TENANT,
        request_id="r1",
        notification_id="messaging.mention",
        channel=Channel.EMAIL,
        recipient_id="u1",
    ).model_copy(update=changes)
    fake.seed(repos.deliveries(TENANT), record)
    return record


def stored(fake: FakeNotifications) -> DeliveryRecord:
    return fake.docs(repos.deliveries(TENANT))[ID]


def task(attempt: int = 1, resends: int = 0) -> DeliverTask:
    return DeliverTask(tenant_id=TENANT, delivery_id=ID, attempt=attempt, resends=resends)


# -- unexpected failures -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "error",
    [
        ValueError("Header values may not contain linefeed or carriage return characters"),
        PermissionError("invalid credentials"),
        TimeoutError("timed out"),
    ],
)
def test_an_unexpected_exception_from_a_channel_is_a_failure_retried_with_backoff(
    fake, monkeypatch, error
):
    seed(fake)
    channel_does(monkeypatch, raises(error))

    state = delivery.deliver(task(1), now=NOW)

    record = stored(fake)
    assert state is DeliveryState.FAILED
    assert record.reason == f"unexpected: {type(error).__name__}"
    assert record.next_attempt_at is not None and record.claimed_at is None
    assert fake.tasks.names == [f"{ID}-2"]
    assert fake.tasks.queued[0].delay_seconds == config().retry_base_seconds


def test_the_last_unexpected_failure_marks_the_delivery_dead(fake, monkeypatch):
    last = config().max_attempts
    seed(fake, state=DeliveryState.FAILED, attempts=last - 1)
    channel_does(monkeypatch, raises(RuntimeError("boom")))

    assert delivery.deliver(task(last), now=NOW) is DeliveryState.DEAD
    assert stored(fake).reason == "unexpected: RuntimeError"
    assert fake.tasks.queued == []


def test_a_retried_task_of_an_attempt_that_ended_sends_nothing(fake, monkeypatch):
    seed(fake)
    sent = channel_does(monkeypatch, raises(DeliveryFailed("smtp down")))
    delivery.deliver(task(1), now=NOW)

    again = delivery.deliver(task(1), now=NOW + timedelta(seconds=5))

    assert again is DeliveryState.FAILED and sent == []
    assert fake.tasks.names == [f"{ID}-2"]


# -- the claim's lease -------------------------------------------------------------------------
def test_a_task_meeting_a_live_claim_is_retried_later_and_sends_nothing(fake, sends):
    seed(fake)
    delivery.claim(task(1), now=NOW)  # the attempt that claimed it is still running

    with pytest.raises(delivery.AttemptInProgress):
        delivery.deliver(task(1), now=NOW + timedelta(seconds=30))
    assert sends == []
    assert stored(fake).state is DeliveryState.PENDING


def test_a_claim_older_than_the_lease_is_taken_over_so_a_crashed_attempt_never_sticks(fake, sends):
    seed(fake)
    delivery.claim(task(1), now=NOW)  # then the attempt crashed or timed out

    state = delivery.deliver(task(1), now=NOW + delivery.LEASE + timedelta(seconds=1))

    assert state is DeliveryState.SENT and sends == [ID]
    assert stored(fake).claimed_at is None and stored(fake).attempts == 1


def test_a_retry_attempt_that_crashed_is_taken_over_after_the_lease(fake, sends):
    seed(fake, state=DeliveryState.FAILED, attempts=1, next_attempt_at=NOW, reason="smtp down")
    delivery.claim(task(2), now=NOW)  # the retry claimed it, then its process died

    assert delivery.deliver(task(2), now=NOW + delivery.LEASE) is DeliveryState.SENT
    assert sends == [ID]


def test_the_lease_outlasts_the_attempts_deadline():
    assert timedelta(seconds=delivery.ATTEMPT_TIMEOUT_SECONDS) < delivery.LEASE


def test_a_record_stuck_pending_by_an_earlier_version_is_taken_over(fake, sends):
    seed(fake, attempts=1)  # claimed without claimedAt, then the send raised

    assert delivery.deliver(task(1), now=NOW) is DeliveryState.SENT
    assert sends == [ID]


# -- recording a sent message -------------------------------------------------------------------
def failing_finish(monkeypatch: pytest.MonkeyPatch, times: int) -> list[DeliveryState]:
    real = delivery.finish
    tried: list[DeliveryState] = []

    def finish(record: DeliveryRecord, state: DeliveryState, reason: str | None):
        tried.append(state)
        if len(tried) <= times:
            raise ConnectionError("firestore unavailable")
        return real(record, state, reason)

    monkeypatch.setattr(delivery, "finish", finish)
    return tried


def test_a_sent_message_whose_record_fails_once_is_recorded_sent_not_retried(
    fake, sends, monkeypatch
):
    seed(fake)
    tried = failing_finish(monkeypatch, times=1)

    assert delivery.deliver(task(1), now=NOW) is DeliveryState.SENT
    assert tried == [DeliveryState.SENT, DeliveryState.SENT]
    assert sends == [ID] and fake.tasks.queued == []
    assert stored(fake).state is DeliveryState.SENT


def test_a_sent_message_that_cannot_be_recorded_raises_and_is_not_marked_failed(
    fake, sends, monkeypatch
):
    seed(fake)
    failing_finish(monkeypatch, times=len(delivery.SENT_RECORD_PAUSES))

    with pytest.raises(ConnectionError):
        delivery.deliver(task(1), now=NOW)
    # Never a failure (which would queue a retry at once): the claim stays until its lease ends.
    assert stored(fake).state is DeliveryState.PENDING and stored(fake).claimed_at == NOW
    assert sends == [ID] and fake.tasks.queued == []


# -- resend ------------------------------------------------------------------------------------
def test_a_resend_and_its_retries_use_task_names_never_used_before(fake, monkeypatch):
    seed(fake, state=DeliveryState.DEAD, attempts=config().max_attempts, reason="smtp down")
    channel_does(monkeypatch, raises(DeliveryFailed("smtp down")))

    record = delivery.resend(TENANT, ID, now=NOW)
    assert record.state is DeliveryState.PENDING and record.resends == 1
    assert fake.tasks.names == [f"{ID}-r1-1"]

    first = fake.tasks.queued[0].payload
    assert delivery.deliver(first, now=NOW) is DeliveryState.FAILED
    assert fake.tasks.names == [f"{ID}-r1-1", f"{ID}-r1-2"]
    assert fake.tasks.queued[1].payload.resends == 1


def test_a_task_of_an_earlier_generation_does_nothing_after_a_resend(fake, sends):
    seed(fake, state=DeliveryState.DEAD, attempts=3)
    delivery.resend(TENANT, ID, now=NOW)

    assert delivery.deliver(task(4, resends=0), now=NOW) is DeliveryState.PENDING
    assert sends == []
    assert delivery.deliver(task(1, resends=1), now=NOW) is DeliveryState.SENT


def test_a_resend_whose_task_cannot_be_queued_leaves_the_delivery_resendable(fake, sends):
    seed(fake, state=DeliveryState.DEAD, attempts=3)
    fake.tasks.fail_next = 1

    with pytest.raises(RuntimeError):
        delivery.resend(TENANT, ID, now=NOW)
    assert stored(fake).state is DeliveryState.PENDING and stored(fake).attempts == 0

    delivery.resend(TENANT, ID, now=NOW + timedelta(seconds=5))
    assert fake.tasks.names == [f"{ID}-r2-1"]
    delivery.deliver(fake.tasks.queued[0].payload, now=NOW + timedelta(seconds=6))
    assert sends == [ID]


def test_resend_refuses_a_failed_delivery_whose_retry_is_scheduled(fake):
    seed(fake, state=DeliveryState.FAILED, attempts=1, next_attempt_at=NOW + timedelta(seconds=30))
    with pytest.raises(FailedPrecondition):
        delivery.resend(TENANT, ID, now=NOW)


def test_resend_refuses_a_failed_delivery_whose_retry_is_running(fake):
    seed(fake, state=DeliveryState.FAILED, attempts=1, next_attempt_at=NOW)
    delivery.claim(task(2), now=NOW + timedelta(seconds=1))
    with pytest.raises(FailedPrecondition):
        delivery.resend(TENANT, ID, now=NOW + timedelta(seconds=2))
    assert stored(fake).attempts == 2 and stored(fake).resends == 0


@pytest.mark.parametrize("state", [DeliveryState.SENT, DeliveryState.SKIPPED])
def test_resend_refuses_a_delivery_that_is_done(fake, state):
    seed(fake, state=state, attempts=1)
    with pytest.raises(FailedPrecondition):
        delivery.resend(TENANT, ID, now=NOW)


def test_resend_starts_a_template_failure_and_a_retry_overdue_past_the_lease(fake):
    seed(fake, state=DeliveryState.FAILED, attempts=1, reason="template: boom")
    assert delivery.resend(TENANT, ID, now=NOW).resends == 1
    seed(fake, state=DeliveryState.FAILED, attempts=2, next_attempt_at=NOW)
    assert delivery.resend(TENANT, ID, now=NOW + delivery.LEASE).state is DeliveryState.PENDING


# -- a redelivered dispatch --------------------------------------------------------------------
def test_a_redelivered_dispatch_requeues_only_unclaimed_records_by_their_first_task_name(fake):
    unclaimed = seed(fake).model_copy(update={"id": "d-new"})
    running = seed(fake).model_copy(update={"attempts": 1, "claimed_at": NOW})
    resent = seed(fake).model_copy(update={"id": "d-resent", "resends": 2})

    dispatch.queue_deliveries([unclaimed, running, resent])
    dispatch.queue_deliveries([unclaimed, running, resent])

    assert fake.tasks.names == ["d-new-1", "d-resent-r2-1"]
    assert [q.payload.attempt for q in fake.tasks.queued] == [1, 1]


def test_task_names_keep_the_first_generations_names():
    assert records.task_name("d9", 0, 3) == "d9-3"
    assert records.task_name("d9", 1, 1) == "d9-r1-1"
