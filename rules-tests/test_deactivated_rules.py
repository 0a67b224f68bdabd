"""A deactivated user's ID token stays valid until it expires, yet reads nothing: the rules read
the caller's own profile (``tenants/{t}/users/{uid}``) and refuse when it says ``disabled``.

"deactivated" is a tenant admin of the home tenant whose profile says ``disabled: true``: the
same claims as "tenant-admin", who reads all of these (see the other tables).
"""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, NOTHING, access_table, check_access
from rules_world import World

TENANT_DATA = (
    "tenant",
    "user",
    "deactivated-profile",
    "project",
    "task",
    "client",
    "department",
    "location",
    "contact",
    "client-department",
    "client-location",
    "client-contact",
)
CASES = [case for target in TENANT_DATA for case in access_table(target, {"deactivated": NOTHING})]


@pytest.mark.parametrize(CASE, CASES)
def test_a_deactivated_users_old_token_reads_nothing_of_the_tenant(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


def test_the_same_claims_read_the_tenant_while_the_profile_is_enabled(world: World) -> None:
    check_access(world, "deactivated-profile", "tenant-admin", Op.GET, True)
    check_access(world, "project", "tenant-admin", Op.LIST, True)
