"""``tenants/{tenantId}/users/{userId}``: a profile is read by its owner (inside the tenant), the
tenant's admins and platform admins; written by no client. A platform admin's profile inside a
tenant is read by platform admins only (tenant admins never learn it exists)."""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import ALLOW, CASE, DENY, access_table, check_access
from rules_world import World

# The seeded profile is the owner's. The owner may get it but not list the collection (the query
# could return other users' profiles); "owner-elsewhere" carries the owner's uid with a token for
# another tenant.
USER = access_table(
    "user",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roleless":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "roles-not-a-list":       (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (ALLOW, DENY,  DENY,  DENY,  DENY),
        "owner-elsewhere":        (DENY,  DENY,  DENY,  DENY,  DENY),
        "manager":                (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-admin":         (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-role":          (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-admin-string":  (DENY,  DENY,  DENY,  DENY,  DENY),
        "deactivated":            (DENY,  DENY,  DENY,  DENY,  DENY),
    },
)  # fmt: skip
PLATFORM_ADMIN_PROFILE = access_table(
    "platform-admin-profile",
    {
        #                          get    list   create update delete
        "signed-out":             (DENY,  DENY,  DENY,  DENY,  DENY),
        "stranger":               (DENY,  DENY,  DENY,  DENY,  DENY),
        "member":                 (DENY,  DENY,  DENY,  DENY,  DENY),
        "owner":                  (DENY,  DENY,  DENY,  DENY,  DENY),
        "manager":                (DENY,  DENY,  DENY,  DENY,  DENY),
        "tenant-admin":           (DENY,  DENY,  DENY,  DENY,  DENY),
        "platform-admin":         (ALLOW, ALLOW, DENY,  DENY,  DENY),
        "platform-role":          (ALLOW, ALLOW, DENY,  DENY,  DENY),
    },
)  # fmt: skip


@pytest.mark.parametrize(CASE, USER)
def test_a_profile_is_read_by_its_owner_and_admins_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, PLATFORM_ADMIN_PROFILE)
def test_a_platform_admins_profile_inside_a_tenant_is_read_by_platform_admins_only(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
