"""``tenants/{tenantId}``: the tenant document, read by its members and platform admins only."""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import ALLOW, CASE, DENY, access_table, check_access
from rules_world import World

# A list over the root `tenants` collection cannot be proven to stay inside one tenant, so only
# platform admins may run it.
TENANT = access_table(
    "tenant",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roles-not-a-list":       (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (ALLOW, DENY,  DENY,  DENY,  DENY),
        "manager":                (ALLOW, DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (ALLOW, DENY,  DENY,  DENY,  DENY),
        "platform-admin":         (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-role":          (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-admin-string":  (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip


@pytest.mark.parametrize(CASE, TENANT)
def test_the_tenant_document_is_read_by_its_members_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
