"""Integration tests run against the emulators, started once for the whole run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.support.dns_server import FakeDns, nameserver
from tests.support.events import EventTap
from tests.support.tenants import seed_profiles, seed_tenant
from tests.support.users import SignedInUser, create_user, unique_id


@pytest.fixture(autouse=True)
def _needs_stack(stack: None) -> None:
    """Every integration test needs the stack."""


@dataclass
class Tenant:
    """A fresh tenant with its people, unique per test so tests never collide."""

    id: str
    admin: SignedInUser
    manager: SignedInUser
    member: SignedInUser


def make_tenant() -> Tenant:
    tenant_id = unique_id("tenant")
    return Tenant(
        id=tenant_id,
        admin=create_user(tenant_id=tenant_id, roles=["tenant-admin"]),
        manager=create_user(tenant_id=tenant_id, roles=["project-manager"]),
        member=create_user(tenant_id=tenant_id, roles=["member"]),
    )


@pytest.fixture
def tenant() -> Tenant:
    return make_tenant()


@pytest.fixture
def other_tenant() -> Tenant:
    return make_tenant()


@pytest.fixture
def seeded_tenant(tenant: Tenant) -> Tenant:
    """The ``tenant`` fixture's people as the services would have left them after sign-up:
    the tenant document (``seed_tenant``) and a full profile for each of the three."""
    seed_tenant(tenant.id)
    seed_profiles(tenant.id, [tenant.admin, tenant.manager, tenant.member])
    return tenant


@pytest.fixture
def tap_events() -> Iterator[Callable[[str], EventTap]]:
    """Open pull subscriptions on event topics: ``tap = tap_events("example-events")``."""
    taps: list[EventTap] = []

    def open_tap(topic: str) -> EventTap:
        taps.append(EventTap(topic))
        return taps[-1]

    yield open_tap
    for tap in taps:
        tap.close()


@pytest.fixture(scope="session")
def fake_dns() -> Iterator[FakeDns]:
    """The DNS server the functions ask for TXT records (``DNS_NAMESERVER``), run by the tests
    so they can publish a tenant's verification record."""
    server = FakeDns(nameserver()).start()
    yield server
    server.stop()
