"""Background functions of the notifications service.

- ``notifications_on_messaging_event`` / ``_on_customer_event`` / ``_on_auth_event`` (Pub/Sub):
  turn other services' events into dispatch requests (``notifications.sources``). Idempotent
  by construction: every id derives from the event's type and id.
- ``notificationsDispatch`` (Cloud Tasks): a dispatch request queued by another service
  (``notifications.public.request_notification``); same idempotency.
- ``notificationsDeliver`` (Cloud Tasks): one attempt of one delivery; a re-delivered attempt
  finds the record past it and does nothing, or raises while another run holds a live claim
  (retried until the claim ends or its lease expires, see ``delivery.py``).
- ``notificationsNudge`` (Cloud Tasks): a follow-up whose condition is evaluated now; its
  record id derives from the request, recipient and nudge.
- ``notificationsFlushDigest`` (Cloud Tasks): a digest's one message; the bucket's ``flushed``
  flag and the request's key make a repeat send nothing.
- ``notifications_sweep_device_tokens`` (schedule): forgets tokens unseen for 60 days.

Task-queue functions are camelCase: the name becomes the queue id, which allows no underscores.
"""

from __future__ import annotations

from firebase_functions import options, pubsub_fn, scheduler_fn, tasks_fn

from notifications import delivery, digests, dispatch, nudges, sources
from notifications.models.deliveries import DeliverTask, DigestTask, DispatchRequest
from shared import events, logs
from shared.tasks import task_handler

_log = logs.get_logger("notifications.triggers")


def _dispatch_event(event: events.DomainEvent) -> None:
    """Dispatch the request an event stands for. An event whose request does not validate (an
    id too long, an address too long...) can never succeed: it is logged with the reason and
    acknowledged, not retried by Pub/Sub for days."""
    from pydantic import ValidationError

    try:
        request = sources.request_for(event)
    except ValidationError as error:
        _log.error(
            "dropping an event whose request does not validate",
            extra={
                "fields": {
                    "eventId": event.id,
                    "type": event.type,
                    "errors": error.errors(include_url=False, include_input=False),
                }
            },
        )
        return
    if request is not None:
        dispatch.dispatch(request)


@pubsub_fn.on_message_published(topic="messaging-events", retry=True)
@events.event_listener(
    "notifications_on_messaging_event",
    types=["messaging.user_mentioned", "messaging.message_sent"],
)
def notifications_on_messaging_event(event: events.DomainEvent) -> None:
    _dispatch_event(event)


@pubsub_fn.on_message_published(topic="customer-events", retry=True)
@events.event_listener("notifications_on_customer_event", types=["customer.user_invited"])
def notifications_on_customer_event(event: events.DomainEvent) -> None:
    _dispatch_event(event)


@pubsub_fn.on_message_published(topic="auth-events", retry=True)
@events.event_listener(
    "notifications_on_auth_event",
    types=["auth.password_reset_requested", "auth.email_verification_requested"],
)
def notifications_on_auth_event(event: events.DomainEvent) -> None:
    _dispatch_event(event)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=20),
)
@task_handler(DispatchRequest)
def notificationsDispatch(payload: DispatchRequest) -> None:
    dispatch.dispatch(payload)


@tasks_fn.on_task_dispatched(
    # A task meeting a live claim raises and is retried: 10+20+40+80+120+120+120 s of backoff
    # outlast the claim's lease (delivery.LEASE, 120 s), so a dead attempt is always taken over.
    retry_config=options.RetryConfig(
        max_attempts=8, min_backoff_seconds=10, max_backoff_seconds=120
    ),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
    timeout_sec=delivery.ATTEMPT_TIMEOUT_SECONDS,
)
@task_handler(DeliverTask)
def notificationsDeliver(payload: DeliverTask) -> None:
    delivery.deliver(payload)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=20),
)
@task_handler(nudges.NudgeTask)
def notificationsNudge(payload: nudges.NudgeTask) -> None:
    nudges.fire(payload)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=20),
)
@task_handler(DigestTask)
def notificationsFlushDigest(payload: DigestTask) -> None:
    digests.flush(payload)


@scheduler_fn.on_schedule(schedule="45 3 * * *", timezone=scheduler_fn.Timezone("UTC"))
def notifications_sweep_device_tokens(event: scheduler_fn.ScheduledEvent) -> None:
    from customer import public as customer
    from notifications import devices

    with logs.invocation("notifications_sweep_device_tokens"):
        for tenant_id in customer.tenant_ids():
            devices.sweep_stale(tenant_id)
