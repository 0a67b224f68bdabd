"""The due-date reminder: a Cloud Task that fires before a task is due.

Idempotent: ``reminderSentAt`` is set in a unit of work the first time, and the
``example.task_came_due`` event has an id derived from the task and its due date, so a second
delivery republishes the same event id, which consumers ignore.
"""

from __future__ import annotations

from datetime import UTC, datetime

from example import repositories as repos
from example.models.projects import ReminderTask, TaskStatus
from example.task_events import CAME_DUE
from shared import events
from shared.unit_of_work import UnitOfWork


def send_due_reminder(uow: UnitOfWork, payload: ReminderTask) -> bool:
    """Record and announce the reminder (the event is published after the unit commits);
    False when the task is gone, done or re-dated."""
    tasks = uow.bind(repos.tasks(payload.tenant_id, payload.project_id))
    task = tasks.get(payload.task_id)
    if task is None or task.status is not TaskStatus.OPEN or task.due_at != payload.due_at:
        return False
    if task.reminder_sent_at is None:
        tasks.update(task.id, {"reminder_sent_at": datetime.now(UTC)})
    uow.emit(
        events.new_event(
            CAME_DUE,
            tenant_id=payload.tenant_id,
            subject_id=payload.task_id,
            event_id=f"due-{payload.task_id}-{int(payload.due_at.timestamp())}",
            data={
                "projectId": payload.project_id,
                "taskId": payload.task_id,
                "dueAt": payload.due_at.isoformat(),
            },
        )
    )
    return True
