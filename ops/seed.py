"""Demo data for the local stack: a platform admin and a demo tenant with an admin and a member,
all with known credentials and the foundation's custom claims, plus a demo project.

    ops/with-emulators functions/venv/bin/python ops/seed.py      (make dev runs it for you)

Idempotent: fixed uids and document ids, so seeding twice leaves the same data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from customer.models import Tenant  # noqa: E402
from customer.repositories import tenants  # noqa: E402
from example.models import Project  # noqa: E402
from example.repositories import projects  # noqa: E402
from shared.clients import admin_app  # noqa: E402
from shared.models import PostalAddress  # noqa: E402
from shared.transactions import atomic_batch  # noqa: E402
from user.models import first_profile  # noqa: E402
from user.repositories import profiles  # noqa: E402

PASSWORD = "demo-password"
TENANT_ID = "demo"
TENANT_NAME = "Demo Company"
PRODUCTS = ["core", "projects"]


@dataclass(frozen=True)
class DemoUser:
    uid: str
    email: str
    display_name: str
    roles: tuple[str, ...]
    tenant_id: str | None = TENANT_ID
    platform_admin: bool = False

    @property
    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {"appUserId": self.uid, "roles": list(self.roles)}
        if self.tenant_id:
            claims |= {"tenantId": self.tenant_id, "products": PRODUCTS}
        if self.platform_admin:
            claims["platformAdmin"] = True
        return claims


USERS = (
    DemoUser(
        "demo-platform-admin",
        "platform-admin@demo.test",
        "Pat Platform",
        ("platform-admin",),
        tenant_id=None,
        platform_admin=True,
    ),
    DemoUser("demo-admin", "admin@demo.test", "Ada Admin", ("tenant-admin",)),
    DemoUser("demo-member", "member@demo.test", "Max Member", ("member",)),
)


def seed_user(user: DemoUser) -> None:
    from firebase_admin import auth

    app = admin_app()
    fields = {
        "email": user.email,
        "password": PASSWORD,
        "display_name": user.display_name,
        "email_verified": True,
    }
    try:
        auth.update_user(user.uid, app=app, **fields)
    except auth.UserNotFoundError:
        auth.create_user(uid=user.uid, app=app, **fields)
    auth.set_custom_user_claims(user.uid, user.claims, app=app)


def seed_documents(now: datetime) -> None:
    """The tenant, its users' profiles and the demo project, through their repositories (so
    the stored shape is the models'), in one batch."""
    tenant = Tenant(
        id=TENANT_ID,
        name=TENANT_NAME,
        products=PRODUCTS,
        address=PostalAddress(
            line1="1 Demo Street", city="Berlin", postal_code="10115", country="DE"
        ),
        admin_email="admin@demo.test",
        created_by="demo-platform-admin",
        created_at=now,
    )
    project = Project(
        id="demo-project",
        tenant_id=TENANT_ID,
        name="Website relaunch",
        description="Seeded demo project",
        owner_id="demo-admin",
        created_at=now,
        version=1,
    )
    with atomic_batch() as batch:
        tenants().set(tenant, writer=batch)
        for user in USERS:
            if user.tenant_id is None:
                continue
            profile = first_profile(
                user.uid, user.tenant_id, user.email, user.display_name, list(user.roles), now=now
            )
            profiles(user.tenant_id).set(profile, writer=batch)
        projects(TENANT_ID).set(project, writer=batch)


def main() -> None:
    for user in USERS:
        seed_user(user)
    seed_documents(datetime.now(UTC))
    print("seeded: platform admin, tenant 'demo' with an admin and a member, one project")


if __name__ == "__main__":
    main()
