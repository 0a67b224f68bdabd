"""Commands of the example service: projects and their tasks.

Every command takes the acting user's id and the tenant already resolved from verified claims,
so nothing here can reach another tenant. A command that reads before it writes takes a unit of
work first (``shared.unit_of_work``): the entry point runs it in a transaction, and the rules
here are unit-tested with the in-memory fake (``tests/unit/test_example_commands.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from example import repositories as repos
from example.models.projects import (
    CreateProject,
    CreateTask,
    ListProjects,
    Project,
    ProjectStatus,
    ReminderTask,
    Task,
    TaskStatus,
    UpdateProject,
)
from shared import tasks as task_queue
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from shared.repository import Order, Page, where
from shared.unit_of_work import UnitOfWork

REMINDER_FUNCTION = "exampleSendDueReminder"


def create_project(tenant_id: str, owner_id: str, command: CreateProject) -> Project:
    repo = repos.projects(tenant_id)
    project = Project(
        id=repo.new_id(),
        tenant_id=tenant_id,
        name=command.name,
        description=command.description,
        owner_id=owner_id,
    )
    return repo.create(project)


def update_project(uow: UnitOfWork, tenant_id: str, command: UpdateProject) -> Project:
    """Change name and/or description; an archived project is read-only."""
    projects = uow.bind(repos.projects(tenant_id))
    changes = command.model_dump(include={"name", "description"}, exclude_unset=True)
    project = projects.require(command.project_id)
    _require_active(project)
    if changes:
        projects.update(project.id, changes)
    return project.model_copy(update=changes)


def archive_project(uow: UnitOfWork, tenant_id: str, project_id: str) -> Project:
    """Archive the project; archiving an archived project changes nothing (a repeat is
    harmless: read in the unit, change only if needed, answer the state asked for)."""
    projects = uow.bind(repos.projects(tenant_id))
    project = projects.require(project_id)
    if project.status is ProjectStatus.ACTIVE:
        projects.update(project_id, {"status": ProjectStatus.ARCHIVED})
    return project.model_copy(update={"status": ProjectStatus.ARCHIVED})


def list_projects(tenant_id: str, query: ListProjects) -> Page[Project]:
    """Newest first, optionally by status; cursor paging so deep pages cost the same."""
    filters = [where("status", "==", query.status)] if query.status else []
    return repos.projects(tenant_id).query(
        *filters, order_by=[Order("created_at", "desc")], limit=query.limit, cursor=query.cursor
    )


def create_task(tenant_id: str, actor: str, command: CreateTask) -> Task:
    """Add a task to an active project; its due-date reminder is queued by the task-created
    trigger (:func:`schedule_reminder`), so this answer depends on the committed write alone.

    The project is read without a transaction: a transactional read would lock the project
    document, which every task event's counter update writes, and a busy project would then
    stall on its own lock. The price is a narrow race with archiving, which the nightly upkeep
    tolerates (an archived project's tasks stay readable).
    """
    project_repo = repos.projects(tenant_id)
    task_repo = repos.tasks(tenant_id, command.project_id)
    due_at = command.due_at
    task = Task(
        id=task_repo.new_id(),
        tenant_id=tenant_id,
        project_id=command.project_id,
        title=command.title,
        created_by=actor,
        assignee_id=command.assignee_id,
        due_at=due_at,
        remind_at=due_at - timedelta(minutes=command.remind_minutes_before) if due_at else None,
    )

    _require_active(project_repo.require(command.project_id))
    if command.assignee_id is not None:
        require_member(tenant_id, command.assignee_id, "assigneeId")
    return task_repo.create(task)


def assign_task(
    uow: UnitOfWork, tenant_id: str, project_id: str, task_id: str, assignee_id: str
) -> Task:
    """Give the task to ``assignee_id``, an active user of the tenant (checked before the unit
    by :func:`require_member`)."""
    tasks = uow.bind(repos.tasks(tenant_id, project_id))
    task = tasks.require(task_id)
    if task.assignee_id != assignee_id:
        tasks.update(task_id, {"assignee_id": assignee_id})
    return task.model_copy(update={"assignee_id": assignee_id})


def complete_task(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, project_id: str, task_id: str
) -> Task:
    """Mark the task done: its assignee, creator or a manager may; twice is a no-op."""
    tasks = uow.bind(repos.tasks(tenant_id, project_id))
    task = tasks.require(task_id)
    if ctx.uid not in {task.assignee_id, task.created_by} and not ctx.can("example.tasks.manage"):
        raise PermissionDenied(
            "Only the assignee or creator may complete this task", type="example/not-assignee"
        )
    if task.status is TaskStatus.DONE:
        return task
    now = datetime.now(UTC)
    tasks.update(task_id, {"status": TaskStatus.DONE, "completed_at": now})
    return task.model_copy(update={"status": TaskStatus.DONE, "completed_at": now})


def schedule_reminder(task: Task) -> None:
    """Queue the reminder for ``remind_at`` (at once if that is past). Called by the
    task-created trigger; the queue task id is derived from the task and its due date, so a
    re-delivered trigger queues one reminder."""
    if task.due_at is None or task.remind_at is None:
        return
    at = max(task.remind_at, datetime.now(UTC))
    task_queue.enqueue(
        REMINDER_FUNCTION,
        ReminderTask(
            tenant_id=task.tenant_id,
            project_id=task.project_id,
            task_id=task.id,
            due_at=task.due_at,
        ),
        at=at,
        task_id=f"reminder-{task.tenant_id}-{task.project_id}-{task.id}-{int(task.due_at.timestamp())}",
    )


def require_member(tenant_id: str, user_id: str, field: str) -> None:
    """Tasks go to people of the tenant: another tenant's uid, or nobody's, is refused."""
    from user.public import is_active_member

    if not is_active_member(tenant_id, user_id):
        raise InvalidArgument(
            f"{user_id} is not an active user of this tenant",
            type="example/unknown-assignee",
            fields=[{"field": field, "message": "not an active user of this tenant"}],
        )


def _require_active(project: Project) -> None:
    if project.status is not ProjectStatus.ACTIVE:
        raise FailedPrecondition("The project is archived", type="example/project-archived")
