"""Internal and unlisted collections: closed to every client by default deny.

``_processedEvents`` (the event-id ledger, root and per tenant), ``_migrations``, the sweep
jobs (``tenants/{t}/_authJobs``), the throttle counters (``_throttles``) and the claims on
self-registration domains (``registrationDomains``) belong to the functions; ``unlisted``
stands for any tenant subcollection the rules do not name.
"""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import CASE, check_access, everyone_denied
from rules_world import World

PEOPLE = ("signed-out", "member", "owner", "tenant-admin", "platform-admin", "platform-role")
CLOSED = [
    case
    for target in (
        "event-ledger",
        "tenant-event-ledger",
        "migration",
        "unlisted",
        "sweep-job",
        "throttle",
        "registration-domain",
    )
    for case in everyone_denied(target, PEOPLE)
]


@pytest.mark.parametrize(CASE, CLOSED)
def test_internal_collections_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
