"""Delivery record ids and the per-recipient unit of work of a dispatch.

Ids are derived, never random: a request's id is a digest of its tenant and idempotency key,
a record's id joins the request, the recipient and the channel. So the same request twice finds
its records and creates nothing (the same key twice sends nothing twice), and a dispatcher that
died half-way resumes where it stopped when the request is delivered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from notifications import decisions, inbox
from notifications import repositories as repos
from notifications.definitions import Channel, Definition
from notifications.models.deliveries import DeliveryRecord, DeliveryState, Recipient, Threshold
from notifications.models.inbox import Badge, InAppNotification
from shared.unit_of_work import UnitOfWork


def digest(*parts: str | None, size: int = 32) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:size]


def request_id(tenant_id: str | None, idempotency_key: str) -> str:
    return "r" + digest(tenant_id, idempotency_key)


def delivery_id(
    request: str, recipient_key: str, channel: Channel, nudge: str | None = None
) -> str:
    return "d" + digest(request, recipient_key, channel.value, nudge)


def task_name(delivery: str, resends: int, attempt: int) -> str:
    """The ``notificationsDeliver`` task of one attempt of one resend generation. Cloud Tasks
    refuses a recently used name, so a resend (its attempts count from 1 again) must never
    reuse an earlier generation's names; generation 0 keeps the original ``{id}-{attempt}``."""
    if resends == 0:
        return f"{delivery}-{attempt}"
    return f"{delivery}-r{resends}-{attempt}"


def threshold_id(
    notification_id: str, recipient_key: str, entity: str | None, channel: Channel
) -> str:
    return "h" + digest(notification_id, recipient_key, entity, channel.value)


@dataclass(frozen=True)
class RecipientPlan:
    """Everything the recipient's unit needs, read before it (the reads of other services)."""

    tenant_id: str | None
    request_id: str
    notification_id: str
    definition: Definition
    recipient: Recipient
    facts: decisions.Recipient
    channels: Sequence[Channel]
    tenant_defaults: decisions.ChannelChoices
    user_choices: decisions.ChannelChoices
    entity_id: str | None
    locale: str | None
    nudge_id: str | None = None
    in_app: InAppNotification | None = None  # rendered beforehand; written if in-app sends
    shared_with_tenant: bool = False  # may a tenant-wide channel carry a notice of it


def record_recipient(uow: UnitOfWork, plan: RecipientPlan, now: datetime) -> list[DeliveryRecord]:
    """Decide and record every channel of one recipient, in one unit: the threshold is read
    and advanced with the records, so two requests racing for the same entity send once.
    Answers the records (existing ones unchanged: a repeat is harmless) that still need a
    delivery task (``pending``)."""
    key = plan.recipient.key
    deliveries = uow.bind(repos.deliveries(plan.tenant_id))
    thresholds = uow.bind(repos.thresholds(plan.tenant_id))
    ids = {c: delivery_id(plan.request_id, key, c, plan.nudge_id) for c in plan.channels}
    existing = deliveries.get_many(ids.values())
    if existing:
        return [r for r in existing.values() if r.state is DeliveryState.PENDING]
    threshold_ids = {
        c: threshold_id(plan.notification_id, key, plan.entity_id, c) for c in plan.channels
    }
    last = thresholds.get_many(threshold_ids.values())
    verdicts = decisions.decide(
        plan.definition,
        plan.facts,
        channels=list(plan.channels),
        tenant_defaults=plan.tenant_defaults,
        user_choices=plan.user_choices,
        last_sent={c: _last(last.get(threshold_ids[c])) for c in plan.channels},
        shared_with_tenant=plan.shared_with_tenant,
        now=now,
    )
    badge = None  # read before the unit's first write, as a transaction must
    in_app = verdicts.get(Channel.IN_APP)
    if in_app and in_app.send and plan.tenant_id and plan.recipient.user_id:
        badge = inbox.read_badge(uow, plan.tenant_id, plan.recipient.user_id)
    pending: list[DeliveryRecord] = []
    for channel, verdict in verdicts.items():
        record = DeliveryRecord(
            id=ids[channel],
            tenant_id=plan.tenant_id,
            request_id=plan.request_id,
            notification_id=plan.notification_id,
            channel=channel,
            recipient_id=plan.recipient.user_id,
            recipient_email=None if plan.recipient.user_id else plan.recipient.email,
            nudge_id=plan.nudge_id,  # no entity: admins read records, not what they are about
            state=DeliveryState.PENDING if verdict.send else DeliveryState.SKIPPED,
            reason=verdict.reason.value if verdict.reason else None,
            locale=plan.locale,
        )
        if verdict.send and plan.definition.min_interval_seconds:
            thresholds.set(Threshold(id=threshold_ids[channel], last_sent_at=now))
        if verdict.send and channel is Channel.IN_APP:
            record = _deliver_in_app(uow, plan, record, badge, now)
        deliveries.create(record)
        if record.state is DeliveryState.PENDING:
            pending.append(record)
    return pending


def _deliver_in_app(
    uow: UnitOfWork,
    plan: RecipientPlan,
    record: DeliveryRecord,
    badge: Badge | None,
    now: datetime,
) -> DeliveryRecord:
    """In-app is a write to the same database: done in the recipient's unit (no task hop),
    with the badge, so the badge is exact by construction."""
    if (
        badge is None
        or plan.in_app is None
        or plan.tenant_id is None
        or plan.recipient.user_id is None
    ):
        return record.model_copy(
            update={"state": DeliveryState.FAILED, "reason": "template: in-app not rendered"}
        )
    notification = plan.in_app.model_copy(update={"id": record.id})
    inbox.add(uow, plan.tenant_id, plan.recipient.user_id, notification, badge)
    return record.model_copy(update={"state": DeliveryState.SENT, "sent_at": now, "attempts": 1})


def _last(threshold: Threshold | None) -> datetime | None:
    return threshold.last_sent_at if threshold else None
