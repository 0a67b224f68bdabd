"""Background functions of the example service.

- ``example_on_task_written`` (Firestore): turns task writes into domain events, and queues a
  new task's due-date reminder (out of the callable's path: its answer depends only on the
  committed write; the queue's task id makes a re-delivery queue nothing twice).
- ``example_count_open_tasks`` (Pub/Sub, ``example-events``): keeps ``openTaskCount`` exact;
  idempotent through the event-id ledger.
- ``exampleSendDueReminder`` (Cloud Tasks): the due-date reminder; idempotent through
  ``reminderSentAt``. Task-queue functions are named in camelCase because the function name
  becomes the Cloud Tasks queue id, which allows no underscores.
- ``example_archive_idle_projects`` (schedule): daily upkeep; re-running archives nothing twice.
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, options, pubsub_fn, scheduler_fn, tasks_fn

from example import maintenance, projects, reminders, task_events
from example.models.projects import ReminderTask, Task
from shared import events, logs
from shared.document_changes import before_after
from shared.tasks import task_handler
from shared.unit_of_work import UnitOfWork, in_transaction

TASK_DOCUMENT = "tenants/{tenantId}/projects/{projectId}/tasks/{taskId}"


@firestore_fn.on_document_written(document=TASK_DOCUMENT)
def example_on_task_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    """Publish the domain event of a task write (same event id on a re-delivery)."""
    params = event.params
    with logs.invocation("example_on_task_written", tenantId=params["tenantId"]):
        before, after = before_after(event)
        domain_event = task_events.event_for_change(
            event.id, params["tenantId"], params["projectId"], params["taskId"], before, after
        )
        if domain_event is not None:
            events.publish([domain_event])
        if domain_event is not None and domain_event.type == task_events.CREATED:
            projects.schedule_reminder(Task.from_firestore(params["taskId"], after or {}))


@pubsub_fn.on_message_published(topic="example-events", retry=True)
@events.event_consumer(
    "example_count_open_tasks",
    types=[task_events.CREATED, task_events.COMPLETED, task_events.REOPENED, task_events.DELETED],
)
def example_count_open_tasks(event: events.DomainEvent, uow: UnitOfWork) -> None:
    task_events.apply_open_delta(event, uow)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
)
@task_handler(ReminderTask)
def exampleSendDueReminder(payload: ReminderTask) -> None:
    in_transaction(lambda uow: reminders.send_due_reminder(uow, payload))


@scheduler_fn.on_schedule(schedule="0 3 * * *", timezone=scheduler_fn.Timezone("UTC"))
def example_archive_idle_projects(event: scheduler_fn.ScheduledEvent) -> None:
    with logs.invocation("example_archive_idle_projects"):
        maintenance.archive_idle_projects()
