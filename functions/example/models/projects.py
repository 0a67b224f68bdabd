"""Documents, requests and answers of the example service."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field

from shared.models import Document, Model, RequestModel
from shared.types import Change, Cursor, Id, Limit, Name, SaneInstant, Text, Title

DueAt = Annotated[AwareDatetime, SaneInstant]


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Project(Document):
    """``tenants/{tenantId}/projects/{projectId}``."""

    tenant_id: str
    name: str
    description: str = ""
    status: ProjectStatus = ProjectStatus.ACTIVE
    owner_id: str = Field(description="The uid of the user who created it.")
    open_task_count: int = Field(default=0, description="Kept exact by the task-event consumer.")


class Task(Document):
    """``tenants/{tenantId}/projects/{projectId}/tasks/{taskId}``."""

    tenant_id: str
    project_id: str
    title: str
    status: TaskStatus = TaskStatus.OPEN
    created_by: str
    assignee_id: str | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = Field(
        default=None, description="When the reminder fires; the task-created trigger queues it."
    )
    completed_at: datetime | None = None
    reminder_sent_at: datetime | None = Field(
        default=None, description="Set once by the reminder task; makes it idempotent."
    )


# -- requests ---------------------------------------------------------------------------------
class CreateProject(RequestModel):
    name: Name = Field(description="Shown in lists; trimmed.")
    description: Text = ""
    tenant_id: Id | None = Field(default=None, description="Only platform admins name a tenant.")


class UpdateProject(RequestModel):
    project_id: Id
    name: Change[Name] = None
    description: Change[Text] = None
    tenant_id: Id | None = None


class ProjectRef(RequestModel):
    project_id: Id
    tenant_id: Id | None = None


class ListProjects(RequestModel):
    status: ProjectStatus | None = None
    limit: Limit = 20
    cursor: Cursor | None = None
    tenant_id: Id | None = None


class CreateTask(RequestModel):
    project_id: Id
    title: Title
    assignee_id: Id | None = Field(default=None, description="A user of the tenant.")
    due_at: DueAt | None = Field(default=None, description="ISO 8601 with a time zone.")
    remind_minutes_before: int = Field(default=60, ge=0, le=60 * 24 * 14)
    tenant_id: Id | None = None


class AssignTask(RequestModel):
    project_id: Id
    task_id: Id
    assignee_id: Id = Field(description="A user of the tenant.")
    tenant_id: Id | None = None


class TaskRef(RequestModel):
    project_id: Id
    task_id: Id
    tenant_id: Id | None = None


class ReminderTask(Model):
    """Payload of the ``exampleSendDueReminder`` task."""

    tenant_id: str
    project_id: str
    task_id: str
    due_at: datetime


# -- answers ----------------------------------------------------------------------------------
class ProjectAnswer(Model):
    project_id: str
    project: Project


class ProjectPage(Model):
    projects: list[Project]
    next_cursor: str | None = None


class TaskAnswer(Model):
    task_id: str
    task: Task
