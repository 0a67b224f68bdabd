"""One delivery: render and send one record's message, then record how it went.

``notificationsDeliver`` runs :func:`deliver` for one attempt. The attempt first *claims* the
record in a transaction (``attempts``, ``claimedAt``); a record already ``sent``, ``skipped`` or
``dead``, a task of an earlier attempt or resend, or an attempt that already ended, is left
alone (a re-delivered task is harmless). A provider failure, and any unexpected exception of a
channel (a credentials error, a header the email library refuses, a timeout), marks it
``failed`` with the reason and queues the next attempt after an exponential backoff (its own
task name, so it is queued once); the last failure marks it ``dead``, and
``notifications_resend`` starts it again. A template that cannot render marks it ``failed``
with the reason and no retry (a retry renders the same template).

A claim is a lease (:data:`LEASE`): a task that meets a live claim raises
:class:`AttemptInProgress` and the queue retries it later; a claim older than the lease belongs
to an attempt that crashed or timed out, and the next task takes it over. So no record stays
``pending`` for good, and two attempts never send at once. The one duplicate possible: the
provider took the message and the record of it could not be written (three tries); a later
task then sends it again (at-least-once; an email keeps its ``Message-ID``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from notifications import decisions, records
from notifications import repositories as repos
from notifications.channels import DeliveryFailed, Undeliverable
from notifications.config import config
from notifications.models.deliveries import DeliverTask, DeliveryRecord, DeliveryState
from notifications.sending import send
from notifications.templates import RenderError
from shared import logs
from shared.errors import FailedPrecondition, NotFound
from shared.unit_of_work import UnitOfWork, in_transaction

_log = logs.get_logger("notifications.delivery")
FINAL = {DeliveryState.SENT, DeliveryState.SKIPPED, DeliveryState.DEAD}
ATTEMPT_TIMEOUT_SECONDS = 60
"""``notificationsDeliver``'s timeout (``timeout_sec``): the deadline of one attempt."""
LEASE = timedelta(seconds=2 * ATTEMPT_TIMEOUT_SECONDS)
"""How long a claim keeps other tasks off a record. An attempt cannot outlive its task's
deadline (the platform ends the request at the function's timeout, and every provider call has
a shorter timeout of its own), so a claim twice that old belongs to an attempt that died: the
margin covers clock skew and a provider call still finishing as the deadline passed. Shorter
would let a retry send while a slow attempt still might; longer only delays the repair. The
queue's retries of a task (``triggers.notificationsDeliver``) outlast it."""
SENT_RECORD_PAUSES = (0.0, 0.5, 2.0)
"""Pauses before each try to record a message the provider took."""


class AttemptInProgress(Exception):
    """Another run holds a live claim on the record: raised into the task queue, which retries
    this task after its backoff (when the claim has ended or expired)."""


def deliver(task: DeliverTask, *, now: datetime | None = None) -> DeliveryState | None:
    """Run attempt ``task.attempt`` of the record; answers its state after (None: no record)."""
    repo = repos.deliveries(task.tenant_id)
    record = claim(task, now=now)
    if record is None:
        current = repo.get(task.delivery_id)
        return current.state if current else None
    try:
        send(record)
    except Undeliverable as skip:
        return finish(record, DeliveryState.SKIPPED, skip.reason)
    except RenderError as error:
        return finish(record, DeliveryState.FAILED, f"template: {error}")
    except DeliveryFailed as error:
        return failed(record, str(error))
    except Exception as error:
        # Not the provider's announced failure, still a failure: retried, then dead. The
        # reason names the type only (a message may quote credentials); the log has it all.
        _log.exception("delivery raised", extra={"fields": {"id": record.id}})
        return failed(record, f"unexpected: {type(error).__name__}")
    return record_sent(record)


def claim(task: DeliverTask, *, now: datetime | None = None) -> DeliveryRecord | None:
    """Take attempt ``task.attempt`` in a transaction: the record, or None when it is final, the
    task is stale (an earlier attempt's or resend's) or this attempt already ended. A live claim
    raises :class:`AttemptInProgress`; one older than :data:`LEASE` is taken over."""
    repo = repos.deliveries(task.tenant_id)
    at = now or datetime.now(UTC)

    def work(uow: UnitOfWork) -> DeliveryRecord | None:
        stored = uow.bind(repo)
        record = stored.get(task.delivery_id)
        if record is None or record.state in FINAL:
            return None
        if task.resends != record.resends or task.attempt < record.attempts:
            return None
        if claim_is_live(record, at):
            raise AttemptInProgress(record.id)
        ended = record.state is DeliveryState.FAILED and record.claimed_at is None
        if task.attempt == record.attempts and ended:
            return None  # this attempt ended: its failure is recorded, the next one queued
        changes = {"attempts": task.attempt, "claimed_at": at}
        stored.update(record.id, changes)
        return record.model_copy(update=changes)

    return in_transaction(work)


def claim_is_live(record: DeliveryRecord, now: datetime) -> bool:
    return record.claimed_at is not None and now - record.claimed_at < LEASE


def finish(record: DeliveryRecord, state: DeliveryState, reason: str | None) -> DeliveryState:
    changes: dict[str, Any] = {
        "state": state,
        "reason": reason,
        "next_attempt_at": None,
        "claimed_at": None,
    }
    if state is DeliveryState.SENT:
        changes["sent_at"] = datetime.now(UTC)
    repos.deliveries(record.tenant_id).update(record.id, changes)
    return state


def record_sent(record: DeliveryRecord) -> DeliveryState:
    """Record a message the provider took, trying again after short pauses: raising now would
    let the claim expire and a later task send it a second time. If every try fails, that is
    what happens (at-least-once, logged)."""
    for tried, pause in enumerate(SENT_RECORD_PAUSES, start=1):
        time.sleep(pause)
        try:
            return finish(record, DeliveryState.SENT, None)
        except Exception:
            if tried == len(SENT_RECORD_PAUSES):
                _log.error(
                    "sent but not recorded: a retry after the lease sends it again",
                    extra={"fields": {"id": record.id}},
                )
                raise
            _log.warning("recording a sent delivery failed", extra={"fields": {"id": record.id}})
    raise AssertionError("unreachable")


def failed(record: DeliveryRecord, reason: str) -> DeliveryState:
    """Retry with backoff, or give up (``dead``) after the last attempt. The next attempt is
    queued before the failure is recorded: if recording fails, the task raises and a later one
    takes the expired claim over; a failure is never recorded with no attempt queued."""
    from notifications.dispatch import DELIVER_FUNCTION
    from shared.tasks import enqueue

    settings = config()
    if record.attempts >= settings.max_attempts:
        _log.warning("delivery dead", extra={"fields": {"id": record.id, "reason": reason}})
        return finish(record, DeliveryState.DEAD, reason)
    delay = decisions.retry_delay(record.attempts, base_seconds=settings.retry_base_seconds)
    task = DeliverTask(
        tenant_id=record.tenant_id,
        delivery_id=record.id,
        attempt=record.attempts + 1,
        resends=record.resends,
    )
    name = records.task_name(record.id, record.resends, task.attempt)
    enqueue(DELIVER_FUNCTION, task, delay_seconds=delay, task_id=name)
    repos.deliveries(record.tenant_id).update(
        record.id,
        {
            "state": DeliveryState.FAILED,
            "reason": reason,
            "next_attempt_at": datetime.now(UTC) + timedelta(seconds=delay),
            "claimed_at": None,
        },
    )
    return DeliveryState.FAILED


def resendable(record: DeliveryRecord, now: datetime) -> bool:
    """Dead; failed with no retry scheduled (a template failure); pending and never claimed (its
    task lost) or claimed by an attempt that died. Never while an attempt runs or a retry is
    scheduled (a retry overdue by more than the lease counts as lost)."""
    if record.state is DeliveryState.DEAD:
        return True
    if record.state not in (DeliveryState.PENDING, DeliveryState.FAILED):
        return False
    if claim_is_live(record, now):
        return False
    return record.next_attempt_at is None or now >= record.next_attempt_at + LEASE


def resend(tenant_id: str, delivery_id: str, *, now: datetime | None = None) -> DeliveryRecord:
    """Start a delivery again from its first attempt, as a new resend generation (``resends``
    + 1) whose task names were never used. The record is written first, then the task queued:
    when queuing fails the caller gets the error and the record is pending and unclaimed, which
    is resendable, so trying again works. A task of another generation does nothing, so a
    resend never adds a second send to one that is queued."""
    from notifications.dispatch import DELIVER_FUNCTION
    from shared.tasks import enqueue

    repo = repos.deliveries(tenant_id)
    at = now or datetime.now(UTC)

    def work(uow: UnitOfWork) -> DeliveryRecord:
        stored = uow.bind(repo)
        record = stored.get(delivery_id)
        if record is None:
            raise NotFound("No such delivery", type="notifications/no-delivery")
        if not resendable(record, at):
            raise FailedPrecondition(
                f"A {record.state.value} delivery cannot be resent now",
                type="notifications/not-resendable",
            )
        changes = {
            "state": DeliveryState.PENDING,
            "reason": None,
            "attempts": 0,
            "resends": record.resends + 1,
            "next_attempt_at": None,
            "claimed_at": None,
        }
        stored.update(delivery_id, changes)
        return record.model_copy(update=changes)

    record = in_transaction(work)
    task = DeliverTask(
        tenant_id=tenant_id, delivery_id=delivery_id, attempt=1, resends=record.resends
    )
    enqueue(DELIVER_FUNCTION, task, task_id=records.task_name(delivery_id, record.resends, 1))
    return record
