"""API keys (``tenants/{tenantId}/apiKeys``): no client reads or writes them, not even the
tenant's admins or platform admins. Their salted hashes stay server-side; admins manage keys
through the ``customer_*_api_key`` callables, which never answer a hash."""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, check_access, everyone_denied
from rules_world import World

API_KEYS = everyone_denied("api-key")


@pytest.mark.parametrize(CASE, API_KEYS)
def test_api_keys_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
