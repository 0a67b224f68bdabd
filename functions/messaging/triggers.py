"""Background functions of the messaging service.

- ``messaging_on_message_created`` (Firestore): publishes ``messaging.message_sent`` and
  ``messaging.user_mentioned`` for a new message (event ids from the message id: a re-delivery
  publishes the same ids).
- ``messaging_on_user_event`` (Pub/Sub ``user-events``): participant info follows
  ``user.updated``; ``user.disabled`` deactivates the participant and closes conversations left
  with fewer than two active; ``user.reactivated`` makes them active again, leaving closed
  conversations closed (idempotent by construction: see ``messaging.background``).
- ``messagingRecountUnread`` (Cloud Tasks): repairs one user's ``unreadTotals`` from their
  conversations (a recount is a set: running it twice gives the same total).
- ``messaging_apply_retention`` (schedule, daily 03:30 UTC): deletes messages past their type's
  retention and releases their files; re-running finds nothing more.
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, scheduler_fn, tasks_fn

from messaging.models.tasks import RecountTask
from shared import events, logs
from shared.tasks import task_handler

MESSAGE_DOCUMENT = "tenants/{tenantId}/conversations/{conversationId}/messages/{messageId}"


@firestore_fn.on_document_created(document=MESSAGE_DOCUMENT)
def messaging_on_message_created(event: firestore_fn.Event[Any]) -> None:
    """Announce a new message (same event ids on a re-delivery)."""
    from messaging import message_events
    from messaging import repositories as repos
    from messaging.models.config import messaging_config
    from messaging.models.conversations import Message

    params = event.params
    tenant_id, conversation_id = params["tenantId"], params["conversationId"]
    with logs.invocation("messaging_on_message_created", tenantId=tenant_id):
        snapshot = event.data
        if snapshot is None:
            return
        message = Message.from_firestore(params["messageId"], snapshot.to_dict() or {})
        conversation = repos.conversations(tenant_id).get(conversation_id)
        if conversation is None:
            return
        found = message_events.events_for_message(message, conversation, messaging_config())
        if found:
            events.publish(found)


@pubsub_fn.on_message_published(topic="user-events", retry=True)
@events.event_listener(
    "messaging_on_user_event", types=["user.updated", "user.disabled", "user.reactivated"]
)
def messaging_on_user_event(event: events.DomainEvent) -> None:
    from messaging import background

    if event.tenant_id is None:
        return
    if event.type == "user.disabled":
        background.deactivate_participant(event.tenant_id, event.subject_id)
        return
    if event.type == "user.reactivated":
        background.reactivate_participant(event.tenant_id, event.subject_id)
        return
    changed = set(event.data.get("changedFields") or [])
    if changed & background.INFO_FIELDS:
        background.refresh_participant_info(event.tenant_id, event.subject_id)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
)
@task_handler(RecountTask)
def messagingRecountUnread(payload: RecountTask) -> None:
    from messaging import reading

    reading.recount_total(payload.tenant_id, payload.user_id)


@scheduler_fn.on_schedule(schedule="30 3 * * *", timezone=scheduler_fn.Timezone("UTC"))
def messaging_apply_retention(event: scheduler_fn.ScheduledEvent) -> None:
    from customer import public as customer_public
    from messaging import background

    with logs.invocation("messaging_apply_retention"):
        background.apply_retention(customer_public.tenant_ids())
