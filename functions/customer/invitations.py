"""Invitations into a tenant, and the tenant's self-registration settings.

An invitation's id is derived from the email, so a tenant holds at most one invitation per
address: inviting again replaces it (new roles, new expiry) and inviting twice is idempotent.
The auth service consumes it when that email signs up (``auth.signup``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from customer import repositories as repos
from customer.models import (
    INVITATION_TTL_DAYS,
    Invitation,
    InvitationStatus,
    InviteUser,
    ListInvitations,
    RegistrationSettings,
    UpdateRegistration,
)
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition
from shared.repository import Order, Page, where
from shared.roles_grant import check_grant
from shared.transactions import run_idempotent


def invitation_id(email: str) -> str:
    """The one invitation id of an email within a tenant."""
    return "inv-" + hashlib.sha256(email.lower().encode()).hexdigest()[:24]


def new_invitation(tenant_id: str, email: str, roles: list[str], invited_by: str) -> Invitation:
    return Invitation(
        id=invitation_id(email),
        tenant_id=tenant_id,
        email=email.lower(),
        roles=roles,
        invited_by=invited_by,
        expires_at=datetime.now(UTC) + timedelta(days=INVITATION_TTL_DAYS),
    )


def invite_user(ctx: AuthContext, tenant_id: str, command: InviteUser) -> Invitation:
    """Invite (or re-invite) an email with roles the inviter may grant."""
    roles = check_grant(ctx, command.roles)
    tenant = repos.tenants().require(tenant_id)
    if tenant.status != "active":
        raise FailedPrecondition("The tenant is not active", type="tenant/inactive")
    invitation = new_invitation(tenant_id, command.email, roles, ctx.uid)
    return repos.invitations(tenant_id).set(invitation)


def list_invitations(tenant_id: str, command: ListInvitations) -> Page[Invitation]:
    filters = [where("status", "==", command.status)] if command.status else []
    return repos.invitations(tenant_id).query(
        *filters, order_by=[Order("created_at", "desc")], limit=command.limit, cursor=command.cursor
    )


def revoke_invitation(tenant_id: str, invitation_id: str) -> Invitation:
    """Revoke a pending invitation; revoking twice is a no-op; an accepted one stays accepted.

    A repeat is answered from a plain read before any transaction (revoked is final), and an
    identical call that won the race makes this one succeed too (``run_idempotent``)."""
    repo = repos.invitations(tenant_id)

    def revoked(invitation: Invitation) -> Invitation:
        if invitation.status is InvitationStatus.ACCEPTED:
            raise FailedPrecondition(
                "The invitation was already accepted", type="invitation/accepted"
            )
        return invitation.model_copy(update={"status": InvitationStatus.REVOKED})

    def done() -> Invitation | None:
        current = repo.require(invitation_id)
        return None if current.status is InvitationStatus.PENDING else revoked(current)

    def work(txn: Any) -> Invitation:
        invitation = repo.require(invitation_id, transaction=txn)
        if invitation.status is InvitationStatus.PENDING:
            repo.update(invitation_id, {"status": InvitationStatus.REVOKED}, writer=txn)
        return revoked(invitation)

    return run_idempotent(work, done)


def update_registration(
    ctx: AuthContext, tenant_id: str, command: UpdateRegistration
) -> RegistrationSettings:
    """Replace the whitelisted domains and the roles self-registered users get."""
    roles = check_grant(ctx, command.default_roles, field="defaultRoles")
    settings = RegistrationSettings(
        whitelisted_domains=command.whitelisted_domains, default_roles=roles
    )
    repos.tenants().update(tenant_id, {"registration": settings})
    return settings
