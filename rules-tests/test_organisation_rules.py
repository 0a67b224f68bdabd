"""The customer service's organisation: ``tenants/{tenantId}/clients/{clientId}``,
``departments/{id}``, ``locations/{id}``, ``contacts/{id}``, and the same three under a client.

Every member of the tenant (and platform admins) reads them; every write goes through the
``customer_*_org_entry`` callables, so no client writes, not even a tenant admin.
"""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, NOTHING, READ_ONLY, access_table, check_access
from rules_world import World

# Rows: NOTHING, or READ_ONLY = (get, list allowed; create, update, delete denied).
ORGANISATION = {
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
TENANT_ENTRIES = [
    case
    for target in ("client", "department", "location", "contact")
    for case in access_table(target, ORGANISATION)
]
CLIENT_ENTRIES = [
    case
    for target in ("client-department", "client-location", "client-contact")
    for case in access_table(target, ORGANISATION)
]


@pytest.mark.parametrize(CASE, TENANT_ENTRIES)
def test_the_tenants_organisation_is_read_by_its_members_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, CLIENT_ENTRIES)
def test_a_clients_own_entries_are_read_by_the_tenants_members_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
