"""Callables of the example service: thin entry points over :mod:`example.projects`.

Each parses its request model, checks its permission and tenant (both in
``shared.callables.callable_endpoint``), calls the domain (a command that reads before it
writes runs in a unit of work: ``in_transaction``) and shapes the answer.
"""

from __future__ import annotations

from example import projects
from example.models.projects import (
    AssignTask,
    CreateProject,
    CreateTask,
    ListProjects,
    ProjectAnswer,
    ProjectPage,
    ProjectRef,
    TaskAnswer,
    TaskRef,
    UpdateProject,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(CreateProject, permission="example.projects.create")
def example_create_project(ctx: AuthContext, req: CreateProject) -> ProjectAnswer:
    project = projects.create_project(ctx.tenant(req.tenant_id), ctx.uid, req)
    return ProjectAnswer(project_id=project.id, project=project)


@on_call()
@callable_endpoint(UpdateProject, permission="example.projects.update")
def example_update_project(ctx: AuthContext, req: UpdateProject) -> ProjectAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    project = in_transaction(lambda uow: projects.update_project(uow, tenant_id, req))
    return ProjectAnswer(project_id=project.id, project=project)


@on_call()
@callable_endpoint(ProjectRef, permission="example.projects.archive")
def example_archive_project(ctx: AuthContext, req: ProjectRef) -> ProjectAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    project = in_transaction(lambda uow: projects.archive_project(uow, tenant_id, req.project_id))
    return ProjectAnswer(project_id=project.id, project=project)


@on_call()
@callable_endpoint(ListProjects, permission="example.projects.read")
def example_list_projects(ctx: AuthContext, req: ListProjects) -> ProjectPage:
    page = projects.list_projects(ctx.tenant(req.tenant_id), req)
    return ProjectPage(projects=page.items, next_cursor=page.next_cursor)


@on_call()
@callable_endpoint(CreateTask, permission="example.tasks.create")
def example_create_task(ctx: AuthContext, req: CreateTask) -> TaskAnswer:
    task = projects.create_task(ctx.tenant(req.tenant_id), ctx.uid, req)
    return TaskAnswer(task_id=task.id, task=task)


@on_call()
@callable_endpoint(AssignTask, permission="example.tasks.assign")
def example_assign_task(ctx: AuthContext, req: AssignTask) -> TaskAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    projects.require_member(tenant_id, req.assignee_id, "assigneeId")
    task = in_transaction(
        lambda uow: projects.assign_task(
            uow, tenant_id, req.project_id, req.task_id, req.assignee_id
        )
    )
    return TaskAnswer(task_id=task.id, task=task)


@on_call()
@callable_endpoint(TaskRef, permission="example.tasks.complete")
def example_complete_task(ctx: AuthContext, req: TaskRef) -> TaskAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    task = in_transaction(
        lambda uow: projects.complete_task(uow, ctx, tenant_id, req.project_id, req.task_id)
    )
    return TaskAnswer(task_id=task.id, task=task)
