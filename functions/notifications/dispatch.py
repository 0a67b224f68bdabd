"""The dispatcher: one request in, a unit of work per recipient, a task per channel out.

For each recipient: read what other services own (the user's profile and preferences through
``user.public``, the tenant's defaults), render the in-app message, then in one unit decide
every channel, advance the thresholds and create the delivery records (in-app is written in
that same unit). Pending records get one ``notificationsDeliver`` task each, named after the
record (the queue refuses a second task of the same name). Nudges are queued per recipient;
a digest notification goes into its bucket instead. Every id is derived from the request's
idempotency key (``notifications.records``), so a repeated request sends nothing twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from notifications import context, decisions, records
from notifications import repositories as repos
from notifications.definitions import TENANT_CHANNELS, Channel, Definition, definition
from notifications.models.deliveries import (
    DeliverTask,
    DeliveryRecord,
    DispatchRequest,
    Recipient,
    StoredRequest,
)
from notifications.models.inbox import InAppNotification
from notifications.templates import RenderError, render
from shared import logs
from shared.errors import AlreadyExists
from shared.unit_of_work import in_transaction

DELIVER_FUNCTION = "notificationsDeliver"
FAN_OUT_WORKERS = 16
"""Recipients dispatched at once by one request."""
NUDGE_FUNCTION = "notificationsNudge"
_log = logs.get_logger("notifications.dispatch")


@dataclass
class Outcome:
    request_id: str
    pending: list[DeliveryRecord] = field(default_factory=list)
    digested: int = 0


def dispatch(
    request: DispatchRequest, *, enqueue: bool = True, digest_flush: bool = False
) -> Outcome:
    """Dispatch ``request``; a repeat (same tenant and idempotency key) adds nothing.
    ``digest_flush``: the digest's own message (not collected again)."""
    found = definition(request.notification_id)
    request_id = records.request_id(request.tenant_id, request.idempotency_key)
    outcome = Outcome(request_id)
    if found is None:
        _log.error("unknown notification", extra={"fields": {"id": request.notification_id}})
        return outcome
    store_request(request, request_id)
    if found.digest is not None and request.tenant_id is not None and not digest_flush:
        from notifications import digests

        outcome.digested = digests.collect(request, request_id, found)
        return outcome
    defaults = tenant_defaults(request.tenant_id, request.notification_id)
    user_channels = [c for c in found.channels if c not in TENANT_CHANNELS]
    brand = context.branding(request.tenant_id)

    def one(recipient: Recipient) -> list[DeliveryRecord]:
        plan = plan_for(request, request_id, found, recipient, user_channels, defaults, brand=brand)
        pending = in_transaction(lambda uow: records.record_recipient(uow, plan, datetime.now(UTC)))
        if enqueue and found.nudges and recipient.user_id and request.tenant_id:
            queue_nudges(request, request_id, found, recipient)
        return pending

    # Recipients are independent units (no shared document but the request's): run a few at
    # once, so a large fan-out waits on Firestore round trips in parallel, not in series.
    if len(request.recipients) == 1:
        outcome.pending += one(request.recipients[0])
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=FAN_OUT_WORKERS) as pool:
            for pending in pool.map(one, request.recipients):
                outcome.pending += pending
    tenant_channels = [c for c in found.channels if c in TENANT_CHANNELS]
    if tenant_channels and request.tenant_id is not None:
        plan = records.RecipientPlan(
            tenant_id=request.tenant_id,
            request_id=request_id,
            notification_id=request.notification_id,
            definition=found,
            recipient=Recipient(user_id=None, email="tenant"),
            facts=decisions.Recipient(user_id=None),
            channels=tenant_channels,
            tenant_defaults=defaults,
            user_choices={},
            entity_id=request.entity_id,
            locale=None,
            shared_with_tenant=request.shared_with_tenant,
        )
        outcome.pending += in_transaction(
            lambda uow: records.record_recipient(uow, plan, datetime.now(UTC))
        )
    if enqueue:
        queue_deliveries(outcome.pending)
    return outcome


REQUEST_KEPT_FOR = timedelta(days=30)
"""Longer than any retry, nudge or digest window, and the time an admin has to resend a dead
delivery; after it a resend is skipped as ``no-request``."""


def store_request(request: DispatchRequest, request_id: str) -> None:
    """Keep the request (closed to clients) for retries, nudges and resends; create-if-absent."""
    kept = StoredRequest(
        id=request_id, request=request, expire_at=datetime.now(UTC) + REQUEST_KEPT_FOR
    )
    with contextlib.suppress(AlreadyExists):
        repos.requests(request.tenant_id).create(kept)


def tenant_defaults(tenant_id: str | None, notification_id: str) -> decisions.ChannelChoices:
    if tenant_id is None:
        return {}
    settings = repos.tenant_channels(tenant_id).get(repos.CHANNEL_SETTINGS)
    return settings.defaults.get(notification_id, {}) if settings else {}


def plan_for(
    request: DispatchRequest,
    request_id: str,
    found: Definition,
    recipient: Recipient,
    channels: Sequence[Channel],
    defaults: decisions.ChannelChoices,
    *,
    nudge_id: str | None = None,
    brand: context.Branding | None = None,
) -> records.RecipientPlan:
    """Read the recipient's facts (other services' data, outside the unit) and render in-app."""
    facts, person, choices = recipient_facts(request.tenant_id, recipient, request.notification_id)
    in_app = None
    if Channel.IN_APP in channels and request.tenant_id and recipient.user_id and facts.exists:
        brand = brand if brand is not None else context.branding(request.tenant_id)
        in_app = render_in_app(request, found, recipient.user_id, person, brand)
    return records.RecipientPlan(
        tenant_id=request.tenant_id,
        request_id=request_id,
        notification_id=request.notification_id,
        definition=found,
        recipient=recipient,
        facts=facts,
        channels=list(channels),
        tenant_defaults=defaults,
        user_choices=choices,
        entity_id=request.entity_id,
        locale=person.locale,
        nudge_id=nudge_id,
        in_app=in_app,
    )


def recipient_facts(
    tenant_id: str | None, recipient: Recipient, notification_id: str
) -> tuple[decisions.Recipient, context.Person, decisions.ChannelChoices]:
    """The rules' view of a recipient, the person templates greet, their own choices."""
    if recipient.user_id is None or tenant_id is None:
        person = context.Person(email=recipient.email)
        return decisions.Recipient(user_id=None, email=recipient.email), person, {}
    from user import public as users

    found = users.notification_recipient(tenant_id, recipient.user_id, notification_id)
    if found is None:
        return decisions.Recipient(user_id=recipient.user_id, exists=False), context.Person(), {}
    settings = repos.user_settings(tenant_id).get(recipient.user_id)
    quiet = None
    if settings is not None and settings.quiet_hours is not None:
        from datetime import time

        q = settings.quiet_hours
        quiet = decisions.QuietHours(
            time.fromisoformat(q.start), time.fromisoformat(q.end), q.time_zone
        )
    facts = decisions.Recipient(
        user_id=recipient.user_id,
        email=found.email,
        disabled=found.disabled,
        quiet_hours=quiet,
    )
    person = context.Person(display_name=found.display_name, email=found.email, locale=found.locale)
    return facts, person, found.choices


def render_in_app(
    request: DispatchRequest,
    found: Definition,
    user_id: str,
    person: context.Person,
    brand: context.Branding,
) -> InAppNotification | None:
    """The in-app notification, or None when its template fails (the record says why)."""
    from notifications.definitions import definitions

    assert request.tenant_id is not None
    try:
        parts = render(
            found.channels[Channel.IN_APP].template,
            Channel.IN_APP,
            person.locale,
            context.template_context(request, brand, person),
            default_locale=definitions().default_locale,
        )
    except RenderError as error:
        _log.warning("in-app template failed: %s", error)
        return None
    return InAppNotification(
        tenant_id=request.tenant_id,
        user_id=user_id,
        notification_id=request.notification_id,
        title=parts["title"][:200],
        body=parts["body"][:1000],
        link=context.link_for(request, brand),
    )


def queue_deliveries(pending: Sequence[DeliveryRecord]) -> None:
    """Queue the first attempt of each pending record no attempt has claimed yet, under that
    attempt's task name (a repeated dispatch queues nothing twice). A claimed record gets no
    task: its attempts queue their own successors, and an attempt that died is taken over after
    its lease; a second task here would send a second time."""
    from shared.tasks import enqueue

    for record in pending:
        if record.attempts or record.claimed_at is not None:
            continue
        task = DeliverTask(
            tenant_id=record.tenant_id, delivery_id=record.id, attempt=1, resends=record.resends
        )
        enqueue(DELIVER_FUNCTION, task, task_id=records.task_name(record.id, record.resends, 1))


def queue_nudges(
    request: DispatchRequest, request_id: str, found: Definition, recipient: Recipient
) -> None:
    from notifications.config import config
    from notifications.nudges import NudgeTask
    from shared.tasks import enqueue

    override = config().nudge_delay_override
    for nudge in found.nudges:
        task = NudgeTask(
            tenant_id=request.tenant_id or "",
            request_id=request_id,
            user_id=recipient.user_id or "",
            nudge_id=nudge.id,
        )
        enqueue(
            NUDGE_FUNCTION,
            task,
            delay_seconds=override if override is not None else nudge.delay_seconds,
            task_id=records.digest(request_id, recipient.key, nudge.id, size=40),
        )
