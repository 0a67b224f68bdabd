"""What a change of a task means, and how the project's open-task count follows it.

The Firestore trigger turns each task write into at most one domain event carrying
``openDelta`` (+1, -1 or 0). The consumer adds that delta to ``Project.openTaskCount`` in the same
transaction that records the event id, so a re-delivered event cannot count twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from example import repositories as repos
from shared.events import DomainEvent, new_event

if TYPE_CHECKING:
    from shared.unit_of_work import UnitOfWork

CREATED = "example.task_created"
COMPLETED = "example.task_completed"
REOPENED = "example.task_reopened"
ASSIGNED = "example.task_assigned"
DELETED = "example.task_deleted"
CAME_DUE = "example.task_came_due"


def _is_open(data: dict[str, Any] | None) -> bool:
    return bool(data) and data.get("status") == "open"  # type: ignore[union-attr]


def event_for_change(
    cause_id: str,
    tenant_id: str,
    project_id: str,
    task_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> DomainEvent | None:
    """The domain event for one task write, or None if nothing worth telling changed.

    The event id is the trigger's event id, so a re-delivered trigger emits the same event.
    """
    delta = int(_is_open(after)) - int(_is_open(before))
    if before is None and after is not None:
        event_type = CREATED
    elif after is None:
        event_type = DELETED
    elif delta < 0:
        event_type = COMPLETED
    elif delta > 0:
        event_type = REOPENED
    elif before is not None and before.get("assigneeId") != after.get("assigneeId"):
        event_type = ASSIGNED
    else:
        return None
    current = after or before or {}
    return new_event(
        event_type,
        tenant_id=tenant_id,
        subject_id=task_id,
        event_id=cause_id,
        data={
            "projectId": project_id,
            "taskId": task_id,
            "title": current.get("title"),
            "assigneeId": current.get("assigneeId"),
            "openDelta": delta,
        },
    )


def apply_open_delta(event: DomainEvent, uow: UnitOfWork) -> None:
    """Add the event's ``openDelta`` to its project's ``openTaskCount`` (inside the ledger's
    unit of work of :func:`shared.events.process_once`). A deleted project is left alone.

    The existence check reads outside the transaction on purpose: a transactional read would
    share-lock the project, and concurrent consumers each holding that lock while waiting to
    write it deadlock until a lock timeout. The write is a blind increment; should the project
    vanish in between, the commit fails and the redelivery finds it gone.
    """
    from google.cloud.firestore import Increment

    delta = int(event.data.get("openDelta") or 0)
    if delta == 0 or event.tenant_id is None:
        return
    project_repo = repos.projects(event.tenant_id)
    project_id = str(event.data["projectId"])
    if project_repo.get(project_id) is None:
        return
    uow.bind(project_repo).update(project_id, {"open_task_count": Increment(delta)})
