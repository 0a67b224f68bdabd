"""The customer service's server-only collections: no client reads or writes them, not even
the tenant's admins (they list invitations through ``customer_list_invitations``)."""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, check_access, everyone_denied
from rules_world import World

INVITATIONS = everyone_denied("invitation")


@pytest.mark.parametrize(CASE, INVITATIONS)
def test_invitations_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
