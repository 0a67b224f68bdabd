"""Follow-up nudges: a later message on another channel, if a condition still holds then.

A definition's nudge (``delaySeconds``, ``condition``, ``channel``) is queued per recipient when
the request is dispatched; when it fires, the named condition is evaluated, and the nudge's
channel is decided and recorded like any other (a user may opt out of it; quiet hours and the
threshold apply) under its own delivery id, so a re-delivered nudge sends once. A condition
that no longer holds leaves a ``skipped`` record (reason ``condition``) an admin can read,
written only where no record exists (or one pending and unclaimed): a redelivered nudge never
turns a ``sent`` record into ``skipped``.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from notifications import records
from notifications import repositories as repos
from notifications.definitions import Channel, Definition, Nudge, definition
from notifications.models.deliveries import (
    DeliveryRecord,
    DeliveryState,
    DispatchRequest,
    Recipient,
)
from shared.models import Model
from shared.unit_of_work import UnitOfWork, in_transaction


class NudgeTask(Model):
    tenant_id: str
    request_id: str
    user_id: str
    nudge_id: str


def _in_app_unseen(tenant_id: str, request_id: str, user_id: str) -> bool:
    """The request's in-app notification to the user exists and is still unseen."""
    notification_id = records.delivery_id(request_id, user_id, Channel.IN_APP)
    found = repos.inbox(tenant_id, user_id).get(notification_id)
    return found is not None and not found.seen and not found.archived


CONDITIONS: dict[str, Callable[[str, str, str], bool]] = {"in_app_unseen": _in_app_unseen}


def fire(task: NudgeTask) -> list[DeliveryRecord]:
    """Evaluate the nudge and record (and queue) its delivery; answers the pending records."""
    from notifications.dispatch import plan_for, queue_deliveries, tenant_defaults

    stored = repos.requests(task.tenant_id).get(task.request_id)
    found = definition(stored.request.notification_id) if stored else None
    nudge = next((n for n in found.nudges if n.id == task.nudge_id), None) if found else None
    if stored is None or found is None or nudge is None:
        return []
    request = stored.request
    recipient = Recipient(user_id=task.user_id)
    holds = CONDITIONS.get(nudge.condition, lambda *_: False)(
        task.tenant_id, task.request_id, task.user_id
    )
    if not holds:
        _record_condition_skip(request, task, nudge)
        return []
    plan = plan_for(
        request,
        task.request_id,
        _with_channel_on(found, nudge),
        recipient,
        [nudge.channel],
        tenant_defaults(task.tenant_id, request.notification_id),
        nudge_id=nudge.id,
    )
    pending = in_transaction(lambda uow: records.record_recipient(uow, plan, datetime.now(UTC)))
    queue_deliveries(pending)
    return pending


def _with_channel_on(found: Definition, nudge: Nudge) -> Definition:
    """The nudge's channel counts as on: declaring the nudge is the platform's default."""
    channel = found.channels[nudge.channel].model_copy(update={"enabled": True})
    return found.model_copy(update={"channels": {**found.channels, nudge.channel: channel}})


def _record_condition_skip(request: DispatchRequest, task: NudgeTask, nudge: Nudge) -> None:
    """Record that the nudge's condition no longer holds, only where nothing happened yet: no
    record, or one pending that no attempt claimed (its task then finds it final). A
    redelivered nudge never rewrites a record an earlier firing sent, skipped or is sending."""
    record_id = records.delivery_id(task.request_id, task.user_id, nudge.channel, nudge.id)
    record = DeliveryRecord(
        id=record_id,
        tenant_id=task.tenant_id,
        request_id=task.request_id,
        notification_id=request.notification_id,
        channel=nudge.channel,
        recipient_id=task.user_id,
        entity_id=request.entity_id,
        nudge_id=nudge.id,
        state=DeliveryState.SKIPPED,
        reason="condition",
    )

    def work(uow: UnitOfWork) -> None:
        deliveries = uow.bind(repos.deliveries(task.tenant_id))
        current = deliveries.get(record_id)
        if current is None:
            deliveries.create(record)
        elif current.state is DeliveryState.PENDING and not current.attempts:
            deliveries.update(record_id, {"state": DeliveryState.SKIPPED, "reason": "condition"})

    in_transaction(work)
