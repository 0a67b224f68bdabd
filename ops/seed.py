"""Demo data for the local stack: a platform admin and a demo tenant with an admin and a member,
all with known credentials and the foundation's custom claims, plus a demo project.

The demo people are placed directly (claims and profiles), as if they had joined long ago. To
try the sign-up contract, the tenant also holds ``demo.test`` as a verified registration domain
(a Google sign-in with a verified ``@demo.test`` address joins as a member) and a pending
invitation for ``invited@demo.test`` whose token is printed (sign up with that address, then
call ``customer_accept_invitation`` with it).

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

from customer.invitations import new_invitation  # noqa: E402
from customer.models.domains import (  # noqa: E402
    DomainStatus,
    RegistrationDomain,
    VerifiedThrough,
)
from customer.models.tenants import RegistrationSettings, Tenant  # noqa: E402
from customer.repositories import invitations, registration_domains, tenants  # noqa: E402
from example.models.projects import Project  # noqa: E402
from example.repositories import projects  # noqa: E402
from shared.clients import admin_app  # noqa: E402
from shared.models import PostalAddress  # noqa: E402
from shared.transactions import atomic_batch  # noqa: E402
from user.models.profiles import first_profile  # noqa: E402
from user.repositories import profiles  # noqa: E402

PASSWORD = "demo-password"
TENANT_ID = "demo"
TENANT_NAME = "Demo Company"
PRODUCTS = ["core", "projects"]
DEMO_DOMAIN = "demo.test"
INVITED_EMAIL = "invited@demo.test"


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
    """The tenant (with its verified demo domain), its users' profiles and the demo project,
    through their repositories (so the stored shape is the models'), in one batch."""
    tenant = Tenant(
        id=TENANT_ID,
        name=TENANT_NAME,
        products=PRODUCTS,
        address=PostalAddress(
            line1="1 Demo Street", city="Berlin", postal_code="10115", country="DE"
        ),
        admin_email="admin@demo.test",
        created_by="demo-platform-admin",
        registration=RegistrationSettings(whitelisted_domains=[DEMO_DOMAIN]),
        created_at=now,
    )
    claim = RegistrationDomain(
        id=DEMO_DOMAIN,
        domain=DEMO_DOMAIN,
        tenant_id=TENANT_ID,
        status=DomainStatus.VERIFIED,
        verification_token="demo",
        requested_by="demo-admin",
        verified_at=now,
        verified_by="demo-platform-admin",
        verified_through=VerifiedThrough.PLATFORM_ADMIN,
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
        registration_domains().set(claim, writer=batch)
        for user in USERS:
            if user.tenant_id is None:
                continue
            profile = first_profile(
                user.uid, user.tenant_id, user.email, user.display_name, list(user.roles), now=now
            )
            profiles(user.tenant_id).set(profile, writer=batch)
        projects(TENANT_ID).set(project, writer=batch)


def seed_conversation() -> str:
    """The direct conversation of the demo admin and member with a welcome message (the
    conversation id is deterministic and the message carries a client id: re-seeding adds
    nothing); its id."""
    from messaging import conversations, messages
    from messaging.attachments import FilesAttachments
    from messaging.conversations import MemberInfo
    from messaging.models.config import messaging_config
    from shared.auth_context import AuthContext
    from shared.unit_of_work import in_transaction

    admin, member = (u for u in USERS if u.uid in {"demo-admin", "demo-member"})
    ctx = AuthContext(uid=admin.uid, tenant_id=TENANT_ID, roles=admin.roles)
    members = {u.uid: MemberInfo(display_name=u.display_name) for u in (admin, member)}
    conversation, _ = in_transaction(
        lambda uow: conversations.create_conversation(
            uow, ctx, TENANT_ID, messaging_config(), type_name="direct", others=[member.uid],
            key=None, name=None, members=members,
        )
    )  # fmt: skip
    in_transaction(
        lambda uow: messages.send_message(
            uow, ctx, TENANT_ID, messaging_config(), conversation_id=conversation.id,
            text=f"Welcome to the demo, <@{member.uid}>!", client_message_id="demo-welcome",
            receipts=[], attachments=FilesAttachments(), new_id="demo-welcome",
        )
    )  # fmt: skip
    return conversation.id


def seed_invitation() -> str:
    """A fresh invitation for ``INVITED_EMAIL`` (each run issues a new token); the token."""
    invitation, token = new_invitation(TENANT_ID, INVITED_EMAIL, ["member"], "demo-admin")
    invitations(TENANT_ID).set(invitation)
    return token


def main() -> None:
    for user in USERS:
        seed_user(user)
    seed_documents(datetime.now(UTC))
    token = seed_invitation()
    conversation_id = seed_conversation()
    print("seeded: platform admin, tenant 'demo' with an admin and a member, one project")
    print(f"seeded: a direct conversation of admin and member ({conversation_id}), one message")
    print(f"seeded: {DEMO_DOMAIN} verified for self-registration (verified emails only)")
    print(f"seeded: an invitation for {INVITED_EMAIL}; its token: {token}")


if __name__ == "__main__":
    main()
