"""The example service: ``tenants/{tenantId}/projects/{projectId}`` and its ``tasks/{taskId}``.

Every member of the tenant reads them; every write goes through the example callables, so no
client writes, not even the owner of the project (the member who created it) or a tenant admin.
"""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, NOTHING, READ_ONLY, access_table, check_access
from rules_world import World

# Rows: NOTHING, or READ_ONLY = (get, list allowed; create, update, delete denied).
TENANT_DATA = {
    "signed-out":             NOTHING,
    "stranger":               NOTHING,
    "roleless":               NOTHING,
    "roles-not-a-list":       NOTHING,
    "member":                 READ_ONLY,
    "owner":                  READ_ONLY,
    "owner-elsewhere":        NOTHING,
    "manager":                READ_ONLY,
    "tenant-admin":           READ_ONLY,
    "platform-admin":         READ_ONLY,
    "platform-role":          READ_ONLY,
    "platform-admin-string":  NOTHING,
}  # fmt: skip
PROJECTS = access_table("project", TENANT_DATA)
TASKS = access_table("task", TENANT_DATA)


@pytest.mark.parametrize(CASE, PROJECTS)
def test_projects_are_read_by_the_tenant_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, TASKS)
def test_tasks_are_read_by_the_tenant_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
