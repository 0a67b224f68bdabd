"""The example service's commands, on the in-memory unit of work: the rules without Firestore."""

from __future__ import annotations

import pytest

from example import projects
from example import repositories as repos
from example.models.projects import Project, ProjectStatus, Task, TaskStatus, UpdateProject
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, NotFound, PermissionDenied
from tests.support.fake_uow import FakeUnitOfWork

TENANT = "t1"


def seeded(*, status: ProjectStatus = ProjectStatus.ACTIVE) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.seed(
        repos.projects(TENANT),
        Project(id="p1", tenant_id=TENANT, name="Old", owner_id="owner", status=status),
    )
    uow.seed(
        repos.tasks(TENANT, "p1"),
        Task(id="k1", tenant_id=TENANT, project_id="p1", title="T", created_by="creator"),
    )
    return uow


def stored_project(uow: FakeUnitOfWork) -> Project:
    return uow.store[str(repos.projects(TENANT).path)]["p1"]


def stored_task(uow: FakeUnitOfWork) -> Task:
    return uow.store[str(repos.tasks(TENANT, "p1").path)]["k1"]


def test_archiving_twice_answers_archived_and_the_second_time_writes_nothing():
    uow = seeded()
    first = uow.run(lambda u: projects.archive_project(u, TENANT, "p1"))
    after_first = stored_project(uow)

    second = uow.run(lambda u: projects.archive_project(u, TENANT, "p1"))

    assert first.status is second.status is ProjectStatus.ARCHIVED
    assert stored_project(uow) is after_first


def test_an_archived_project_refuses_updates_and_keeps_its_name():
    uow = seeded(status=ProjectStatus.ARCHIVED)
    command = UpdateProject(project_id="p1", name="New")

    with pytest.raises(FailedPrecondition, match="archived"):
        uow.run(lambda u: projects.update_project(u, TENANT, command))

    assert stored_project(uow).name == "Old"


def test_an_update_of_a_missing_project_is_not_found():
    with pytest.raises(NotFound):
        seeded().run(lambda u: projects.update_project(u, TENANT, UpdateProject(project_id="nope")))


@pytest.mark.parametrize("uid", ["creator", "assignee"])
def test_the_creator_or_the_assignee_completes_a_task(uid):
    uow = seeded()
    uow.run(lambda u: projects.assign_task(u, TENANT, "p1", "k1", "assignee"))
    ctx = AuthContext(uid=uid, tenant_id=TENANT, roles=("member",))

    done = uow.run(lambda u: projects.complete_task(u, ctx, TENANT, "p1", "k1"))

    assert done.status is stored_task(uow).status is TaskStatus.DONE


def test_a_stranger_without_the_manage_permission_cannot_complete_a_task():
    uow = seeded()
    ctx = AuthContext(uid="stranger", tenant_id=TENANT, roles=("member",))

    with pytest.raises(PermissionDenied):
        uow.run(lambda u: projects.complete_task(u, ctx, TENANT, "p1", "k1"))

    assert stored_task(uow).status is TaskStatus.OPEN


def test_completing_a_done_task_keeps_its_first_completion_time():
    uow = seeded()
    ctx = AuthContext(uid="creator", tenant_id=TENANT, roles=("member",))
    first = uow.run(lambda u: projects.complete_task(u, ctx, TENANT, "p1", "k1"))

    again = uow.run(lambda u: projects.complete_task(u, ctx, TENANT, "p1", "k1"))

    assert again.completed_at == first.completed_at == stored_task(uow).completed_at
