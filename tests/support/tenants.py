"""Tenants and their users' profiles, written straight to the emulators as the customer and
user services would have (for tests about what happens to an existing tenant)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from customer import repositories as customer_repos
from customer.models.tenants import Tenant
from shared.models import PostalAddress
from tests.support.user_profiles import profile_of
from tests.support.users import SignedInUser
from user import repositories as user_repos
from user.models.profiles import AccessView

ADDRESS = PostalAddress(line1="1 Main St", city="Berlin", postal_code="10115", country="DE")


def seed_tenant(tenant_id: str, *, products: list[str] | None = None, **fields: Any) -> Tenant:
    """The tenant document ``tenants/{tenantId}`` (active unless ``status`` says otherwise)."""
    tenant = Tenant(
        id=tenant_id,
        name=f"Tenant {tenant_id}",
        products=products or ["core", "projects"],
        address=ADDRESS,
        admin_email=f"admin@{tenant_id}.test",
        created_by="tests",
        **fields,
    )
    return customer_repos.tenants().set(tenant)


def seed_profiles(tenant_id: str, users: Iterable[SignedInUser]) -> None:
    """A full profile per user (``tests.support.user_profiles.profile_of``: the roles of the
    user's claims), in batched writes."""
    user_repos.profiles(tenant_id).write_many(profile_of(tenant_id, user) for user in users)


def import_users(tenant_id: str, count: int, *, roles: list[str]) -> list[str]:
    """``count`` Auth users with profiles, imported in bulk (1,000 a call); their uids."""
    from firebase_admin import auth

    from shared.clients import admin_app

    uids = [f"{tenant_id}-u{n:05d}" for n in range(count)]
    for start in range(0, count, 1000):
        records = [
            auth.ImportUserRecord(
                uid,
                email=f"{uid}@bulk.test",
                custom_claims={"tenantId": tenant_id, "appUserId": uid, "roles": roles},
            )
            for uid in uids[start : start + 1000]
        ]
        result = auth.import_users(records, app=admin_app())
        assert result.failure_count == 0, [e.reason for e in result.errors]
    user_repos.access_views(tenant_id).write_many(
        AccessView(id=uid, tenant_id=tenant_id, email=f"{uid}@bulk.test", roles=roles)
        for uid in uids
    )
    return uids
