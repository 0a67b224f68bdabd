"""One delivery: render and send one record's message, then record how it went.

``notificationsDeliver`` runs :func:`deliver` for one attempt. A record already ``sent``,
``skipped`` or ``dead``, or already past this attempt, is left alone (a re-delivered task is
harmless). A provider failure marks it ``failed`` with the reason and queues the next attempt
after an exponential backoff (its own task name, so it is queued once); the last failure marks
it ``dead``, and ``notifications_resend`` starts it again. A template that cannot render marks
it ``failed`` with the reason and no retry (a retry renders the same template): nothing here
raises into the task queue for a delivery problem.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from notifications import context, decisions
from notifications import repositories as repos
from notifications.channels import DeliveryFailed, Undeliverable
from notifications.config import config
from notifications.definitions import Channel, definition, definitions
from notifications.models.deliveries import DeliverTask, DeliveryRecord, DeliveryState
from notifications.templates import RenderError, render
from shared import logs
from shared.errors import FailedPrecondition, NotFound
from shared.unit_of_work import UnitOfWork, in_transaction

_log = logs.get_logger("notifications.delivery")
FINAL = {DeliveryState.SENT, DeliveryState.SKIPPED, DeliveryState.DEAD}


def deliver(task: DeliverTask) -> DeliveryState | None:
    """Run attempt ``task.attempt`` of the record; answers its state after (None: no record)."""
    repo = repos.deliveries(task.tenant_id)
    record = claim(task)
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
    return finish(record, DeliveryState.SENT, None)


def claim(task: DeliverTask) -> DeliveryRecord | None:
    """Take attempt ``task.attempt`` in a transaction: the record, or None when it is final or
    this attempt already ran (a re-delivered task)."""
    repo = repos.deliveries(task.tenant_id)

    def work(uow: UnitOfWork) -> DeliveryRecord | None:
        records = uow.bind(repo)
        record = records.get(task.delivery_id)
        if record is None or record.state in FINAL or record.attempts >= task.attempt:
            return None
        records.update(record.id, {"attempts": task.attempt, "next_attempt_at": None})
        return record.model_copy(update={"attempts": task.attempt})

    return in_transaction(work)


def finish(record: DeliveryRecord, state: DeliveryState, reason: str | None) -> DeliveryState:
    changes: dict[str, Any] = {"state": state, "reason": reason, "next_attempt_at": None}
    if state is DeliveryState.SENT:
        changes["sent_at"] = datetime.now(UTC)
    repos.deliveries(record.tenant_id).update(record.id, changes)
    return state


def failed(record: DeliveryRecord, reason: str) -> DeliveryState:
    """Retry with backoff, or give up (``dead``) after the last attempt."""
    from notifications.dispatch import DELIVER_FUNCTION
    from shared.tasks import enqueue

    settings = config()
    if record.attempts >= settings.max_attempts:
        _log.warning("delivery dead", extra={"fields": {"id": record.id, "reason": reason}})
        return finish(record, DeliveryState.DEAD, reason)
    delay = decisions.retry_delay(record.attempts, base_seconds=settings.retry_base_seconds)
    repos.deliveries(record.tenant_id).update(
        record.id,
        {
            "state": DeliveryState.FAILED,
            "reason": reason,
            "next_attempt_at": datetime.now(UTC) + timedelta(seconds=delay),
        },
    )
    task = DeliverTask(
        tenant_id=record.tenant_id, delivery_id=record.id, attempt=record.attempts + 1
    )
    enqueue(DELIVER_FUNCTION, task, delay_seconds=delay, task_id=f"{record.id}-{task.attempt}")
    return DeliveryState.FAILED


def resend(tenant_id: str, delivery_id: str) -> DeliveryRecord:
    """Start a dead (or template-failed) delivery again from its first attempt."""
    from notifications.dispatch import DELIVER_FUNCTION
    from shared.tasks import enqueue

    repo = repos.deliveries(tenant_id)
    resend_round = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")

    def work(uow: UnitOfWork) -> DeliveryRecord:
        records = uow.bind(repo)
        record = records.get(delivery_id)
        if record is None:
            raise NotFound("No such delivery", type="notifications/no-delivery")
        retryable = record.state is DeliveryState.DEAD or (
            record.state is DeliveryState.FAILED and record.next_attempt_at is None
        )
        if not retryable:
            raise FailedPrecondition(
                f"A {record.state.value} delivery cannot be resent",
                type="notifications/not-resendable",
            )
        changes = {"state": DeliveryState.PENDING, "reason": None, "attempts": 0}
        records.update(delivery_id, changes)
        return record.model_copy(update=changes)

    record = in_transaction(work)
    task = DeliverTask(tenant_id=tenant_id, delivery_id=delivery_id, attempt=1)
    enqueue(DELIVER_FUNCTION, task, task_id=f"{delivery_id}-resend-{resend_round}")
    return record


# -- sending -----------------------------------------------------------------------------------
def send(record: DeliveryRecord) -> None:
    """Render the record's message and hand it to its channel's provider."""
    from notifications.dispatch import recipient_facts

    stored = repos.requests(record.tenant_id).get(record.request_id)
    found = definition(record.notification_id)
    if stored is None or found is None:
        raise Undeliverable("no-request")
    request = stored.request
    brand = context.branding(record.tenant_id)
    recipient = _recipient(record, request)
    person = context.Person(email=record.recipient_email, locale=record.locale)
    if recipient is not None and record.recipient_id is not None:
        facts, person, _ = recipient_facts(record.tenant_id, recipient, record.notification_id)
        if not facts.exists or facts.disabled:
            raise Undeliverable(
                decisions.SkipReason.NO_USER
                if not facts.exists
                else decisions.SkipReason.DEACTIVATED
            )
    channel = record.channel
    template = found.channels[channel].template
    parts = render(
        template,
        channel,
        person.locale,
        context.template_context(request, brand, person),
        default_locale=definitions().default_locale,
    )
    link = context.link_for(request, brand)
    if channel is Channel.EMAIL:
        _send_email(record, parts, person, brand)
    elif channel is Channel.PUSH:
        _send_push(record, parts, link)
    elif channel in (Channel.SLACK, Channel.TEAMS):
        _send_webhook(record, parts, link)
    else:  # in-app is written by the dispatcher; a stray task has nothing to do
        raise Undeliverable("in-app")


def _recipient(record: DeliveryRecord, request: Any) -> Any:
    for recipient in request.recipients:
        if recipient.user_id == record.recipient_id and (
            record.recipient_id is not None or recipient.email == record.recipient_email
        ):
            return recipient
    return None


def _send_email(
    record: DeliveryRecord, parts: dict[str, str], person: context.Person, brand: context.Branding
) -> None:
    from notifications.channels.email import Email, SmtpProvider

    address = person.email or record.recipient_email
    if not address:
        raise Undeliverable(decisions.SkipReason.NO_ADDRESS)
    settings = config()
    provider = SmtpProvider(settings.smtp_host, settings.smtp_port, settings.sender)
    if record.tenant_id is not None:
        channels = repos.tenant_channels(record.tenant_id).get(repos.CHANNEL_SETTINGS)
        if channels is not None and channels.smtp is not None:
            smtp = channels.smtp
            provider = SmtpProvider(
                smtp.host, smtp.port, smtp.sender, smtp.username, smtp.password, smtp.starttls
            )
    provider.send(
        Email(
            to=address,
            subject=parts["subject"],
            text=parts["text"],
            html=parts["html"],
            message_id=record.id,
            sender_name=brand.name,
        )
    )


def _send_push(record: DeliveryRecord, parts: dict[str, str], link: str) -> None:
    from notifications import devices
    from notifications.channels import push

    if record.tenant_id is None or record.recipient_id is None:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)
    tokens = devices.tokens_of(record.tenant_id, record.recipient_id)
    if not tokens:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)
    result = push.send(
        tokens,
        parts["title"],
        parts["body"],
        {"link": link, "notificationId": record.notification_id, "deliveryId": record.id},
    )
    if result.invalid_tokens:
        devices.forget(record.tenant_id, result.invalid_tokens)
    if not result.sent:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)


def _send_webhook(record: DeliveryRecord, parts: dict[str, str], link: str) -> None:
    from notifications.channels import webhooks

    channels = (
        repos.tenant_channels(record.tenant_id).get(repos.CHANNEL_SETTINGS)
        if record.tenant_id
        else None
    )
    if record.channel is Channel.SLACK:
        url = channels.slack_webhook_url if channels else None
        payload = webhooks.slack_payload(parts["title"], parts["body"], link)
    else:
        url = channels.teams_webhook_url if channels else None
        payload = webhooks.teams_payload(parts["title"], parts["body"], link)
    if not url:
        raise Undeliverable(decisions.SkipReason.NO_WEBHOOK)
    webhooks.post(url, payload)
