"""The example service's callables through the Functions emulator, as a frontend calls them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from example import repositories as repos
from tests.support.callables import CallableError, call
from tests.support.user_profiles import seed_user_profile


def create_project(user, name="Launch", **extra):
    return call("example_create_project", {"name": name, **extra}, user)


def test_a_manager_creates_a_project_in_their_own_tenant(tenant):
    answer = create_project(tenant.manager, description="Q3")
    stored = repos.projects(tenant.id).require(answer["projectId"])
    assert answer["project"]["name"] == "Launch"
    assert answer["project"]["ownerId"] == tenant.manager.uid
    assert (stored.tenant_id, stored.description, stored.status.value) == (
        tenant.id,
        "Q3",
        "active",
    )


def test_a_signed_out_caller_is_unauthenticated():
    with pytest.raises(CallableError) as refused:
        call("example_create_project", {"name": "x"}, None)
    assert refused.value.status == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
        ({"name": "ok", "description": "x" * 2001}, "description"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field(tenant, payload, field):
    with pytest.raises(CallableError) as refused:
        call("example_create_project", payload, tenant.manager)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert refused.value.fields == [field]
    assert refused.value.details["type"] == "validation/invalid"


def test_a_member_without_the_permission_is_refused(tenant):
    with pytest.raises(CallableError) as refused:
        create_project(tenant.member)
    assert refused.value.status == "PERMISSION_DENIED"
    assert refused.value.details["type"] == "auth/missing-permission"


def test_a_payload_naming_another_tenant_is_refused(tenant, other_tenant):
    with pytest.raises(CallableError) as refused:
        create_project(tenant.manager, tenantId=other_tenant.id)
    assert refused.value.status == "PERMISSION_DENIED"
    assert refused.value.details["type"] == "tenant/mismatch"
    assert repos.projects(other_tenant.id).count() == 0


def test_another_tenants_project_cannot_be_reached_by_id(tenant, other_tenant):
    project_id = create_project(other_tenant.manager)["projectId"]
    with pytest.raises(CallableError) as refused:
        call("example_update_project", {"projectId": project_id, "name": "mine"}, tenant.manager)
    assert refused.value.status == "NOT_FOUND"
    assert repos.projects(other_tenant.id).require(project_id).name == "Launch"


def test_a_platform_admin_acts_on_a_tenant_they_name(tenant):
    from tests.support.users import create_user

    operator = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    answer = create_project(operator, tenantId=tenant.id)
    assert repos.projects(tenant.id).require(answer["projectId"]).owner_id == operator.uid


def test_update_changes_only_the_given_fields(tenant):
    project_id = create_project(tenant.manager, description="keep")["projectId"]
    answer = call(
        "example_update_project", {"projectId": project_id, "name": "New"}, tenant.manager
    )
    assert answer["project"]["name"] == "New"
    stored = repos.projects(tenant.id).require(project_id)
    assert (stored.name, stored.description) == ("New", "keep")


def test_archive_is_idempotent_and_blocks_new_tasks_without_writing_any(tenant):
    project_id = create_project(tenant.manager)["projectId"]
    for _ in range(2):
        answer = call("example_archive_project", {"projectId": project_id}, tenant.manager)
        assert answer["project"]["status"] == "archived"
    with pytest.raises(CallableError) as refused:
        call("example_create_task", {"projectId": project_id, "title": "late"}, tenant.member)
    assert refused.value.status == "FAILED_PRECONDITION"
    assert refused.value.details["type"] == "example/project-archived"
    assert repos.tasks(tenant.id, project_id).count() == 0


def test_a_task_for_a_missing_project_is_not_found_and_nothing_is_written(tenant):
    with pytest.raises(CallableError) as refused:
        call("example_create_task", {"projectId": "nope", "title": "t"}, tenant.member)
    assert refused.value.status == "NOT_FOUND"
    assert repos.tasks(tenant.id, "nope").count() == 0


def test_list_pages_newest_first_with_a_cursor(tenant):
    names = [f"p{i}" for i in range(5)]
    for name in names:
        create_project(tenant.manager, name=name)
    seen, cursor = [], None
    while True:
        page = call("example_list_projects", {"limit": 2, "cursor": cursor}, tenant.member)
        seen += [p["name"] for p in page["projects"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert seen == list(reversed(names))


def test_a_tampered_cursor_is_invalid_argument(tenant):
    with pytest.raises(CallableError) as refused:
        call("example_list_projects", {"cursor": "not-a-cursor"}, tenant.member)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert refused.value.fields == ["cursor"]


def test_members_create_and_complete_tasks_but_only_managers_assign(tenant):
    seed_user_profile(tenant.id, tenant.member)  # an assignee is a user of the tenant
    project_id = create_project(tenant.manager)["projectId"]
    task = call("example_create_task", {"projectId": project_id, "title": "Write"}, tenant.member)
    ref = {"projectId": project_id, "taskId": task["taskId"]}
    with pytest.raises(CallableError) as refused:
        call("example_assign_task", {**ref, "assigneeId": tenant.member.uid}, tenant.member)
    assert refused.value.status == "PERMISSION_DENIED"
    call("example_assign_task", {**ref, "assigneeId": tenant.member.uid}, tenant.manager)
    done = call("example_complete_task", ref, tenant.member)
    assert done["task"]["status"] == "done"
    assert repos.tasks(tenant.id, project_id).require(task["taskId"]).completed_at is not None


def test_a_member_cannot_complete_someone_elses_task(tenant):
    from tests.support.users import create_user

    project_id = create_project(tenant.manager)["projectId"]
    task = call("example_create_task", {"projectId": project_id, "title": "t"}, tenant.member)
    stranger = create_user(tenant_id=tenant.id, roles=["member"])
    with pytest.raises(CallableError) as refused:
        call("example_complete_task", {"projectId": project_id, "taskId": task["taskId"]}, stranger)
    assert refused.value.details["type"] == "example/not-assignee"
    assert repos.tasks(tenant.id, project_id).require(task["taskId"]).status.value == "open"


@pytest.mark.parametrize("whom", ["platform-admin", "deactivated"])
def test_a_tenant_admin_cannot_assign_a_task_to_a_platform_admin_or_a_deactivated_user(
    tenant, whom
):
    from tests.support.users import create_user
    from user.models.profiles import UserType

    if whom == "platform-admin":  # a platform admin's profile inside the tenant
        target = create_user(tenant_id=tenant.id, roles=["platform-admin"], platform_admin=True)
        seed_user_profile(tenant.id, target, type=UserType.PLATFORM_ADMIN)
    else:
        target = create_user(tenant_id=tenant.id, roles=["member"])
        seed_user_profile(tenant.id, target, disabled=True)
    project_id = create_project(tenant.admin)["projectId"]
    task = call("example_create_task", {"projectId": project_id, "title": "t"}, tenant.admin)

    with pytest.raises(CallableError) as refused:
        call(
            "example_assign_task",
            {"projectId": project_id, "taskId": task["taskId"], "assigneeId": target.uid},
            tenant.admin,
        )

    assert (refused.value.status, refused.value.fields) == ("INVALID_ARGUMENT", ["assigneeId"])
    assert repos.tasks(tenant.id, project_id).require(task["taskId"]).assignee_id is None


def test_a_due_date_without_a_time_zone_is_invalid(tenant):
    project_id = create_project(tenant.manager)["projectId"]
    naive = (datetime.now(UTC) + timedelta(days=1)).replace(tzinfo=None).isoformat()
    with pytest.raises(CallableError) as refused:
        call(
            "example_create_task",
            {"projectId": project_id, "title": "t", "dueAt": naive},
            tenant.member,
        )
    assert refused.value.fields == ["dueAt"]
