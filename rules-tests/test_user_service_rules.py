"""A user's own subcollections: ``tenants/{t}/users/{uid}/preferences/{doc}`` (notification
opt-ins), ``termsAcceptances/{version}`` (terms history) and ``private/profile`` (the personal
fields tenant admins may not read, e.g. a consumer's phone, address, about).

Read by their owner inside the tenant only: not by tenant admins (they use
``user_list_terms_pending``), platform admins or the owner's uid with another tenant's token;
written by no client (the user service's callables write them).
"""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, NOTHING, READ_ONLY, access_table, check_access
from rules_world import World

OWNER_ONLY = {
    "signed-out":             NOTHING,
    "stranger":               NOTHING,
    "roleless":               NOTHING,
    "roles-not-a-list":       NOTHING,
    "member":                 NOTHING,
    "owner":                  READ_ONLY,
    "owner-elsewhere":        NOTHING,
    "manager":                NOTHING,
    "tenant-admin":           NOTHING,
    "platform-admin":         NOTHING,
    "platform-role":          NOTHING,
    "platform-admin-string":  NOTHING,
    "deactivated":            NOTHING,
}  # fmt: skip
PREFERENCES = access_table("user-preferences", OWNER_ONLY)
TERMS_HISTORY = access_table("terms-acceptance", OWNER_ONLY)
PRIVATE_PROFILE = access_table("private-profile", OWNER_ONLY)


@pytest.mark.parametrize(CASE, PREFERENCES)
def test_preferences_are_read_by_their_owner_only_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, TERMS_HISTORY)
def test_the_terms_history_is_read_by_its_owner_only_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, PRIVATE_PROFILE)
def test_private_profile_fields_are_read_by_their_owner_only_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
