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
from shared import paths  # noqa: E402
from shared.clients import admin_app, firestore_client  # noqa: E402
from shared.models import PostalAddress  # noqa: E402
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
    db = firestore_client()
    batch = db.batch()
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
        updated_at=now,
    )
    batch.set(db.document(str(paths.tenant(TENANT_ID))), tenant.to_firestore())
    for user in USERS:
        if user.tenant_id is None:
            continue
        profile = first_profile(
            user.uid, user.tenant_id, user.email, user.display_name, list(user.roles), now=now
        )
        batch.set(
            db.document(str(profiles(user.tenant_id).document_path(user.uid))),
            profile.to_firestore(),
        )
    project = paths.tenant_collection(TENANT_ID, "projects").document("demo-project")
    batch.set(
        db.document(str(project)),
        {
            "tenantId": TENANT_ID,
            "name": "Website relaunch",
            "description": "Seeded demo project",
            "status": "active",
            "ownerId": "demo-admin",
            "openTaskCount": 0,
            "createdAt": now,
            "updatedAt": now,
            "version": 1,
        },
    )
    batch.commit()


def main() -> None:
    for user in USERS:
        seed_user(user)
    seed_documents(datetime.now(UTC))
    print("seeded: platform admin, tenant 'demo' with an admin and a member, one project")


if __name__ == "__main__":
    main()
