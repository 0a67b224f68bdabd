"""Invitations into a tenant.

An invitation's id is derived from the email, so a tenant holds at most one invitation per
address: inviting again replaces it (new roles, new expiry, a new token: the old link stops
working). The invitee joins with the token from the link (``customer.joining``), or is placed
automatically once their email is verified (``auth.signup``). Self-registration by domain
lives in ``customer.domains``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from customer import invitation_tokens
from customer import repositories as repos
from customer.models.tenants import (
    INVITATION_TTL_DAYS,
    Invitation,
    InvitationStatus,
    InviteUser,
    ListInvitations,
)
from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition
from shared.repository import Order, Page, where
from shared.roles_grant import check_grant
from shared.unit_of_work import UnitOfWork


def invitation_id(email: str) -> str:
    """The one invitation id of an email within a tenant."""
    return "inv-" + hashlib.sha256(email.lower().encode()).hexdigest()[:24]


def new_invitation(
    tenant_id: str, email: str, roles: list[str], invited_by: str
) -> tuple[Invitation, str]:
    """A pending invitation with a fresh token; the token's plaintext is returned once."""
    invitation_id_ = invitation_id(email)
    token = invitation_tokens.issue(tenant_id, invitation_id_)
    invitation = Invitation(
        id=invitation_id_,
        tenant_id=tenant_id,
        email=email.lower(),
        roles=roles,
        invited_by=invited_by,
        expires_at=datetime.now(UTC) + timedelta(days=INVITATION_TTL_DAYS),
        token_salt=token.salt,
        token_hash=token.token_hash,
    )
    return invitation, token.plaintext


def invite_user(ctx: AuthContext, tenant_id: str, command: InviteUser) -> tuple[Invitation, str]:
    """Invite (or re-invite) an email with roles the inviter may grant; the invitation and
    its token (for the link)."""
    roles = check_grant(ctx, command.roles)
    tenant = repos.tenants().require(tenant_id)
    if tenant.status != "active":
        raise FailedPrecondition("The tenant is not active", type="tenant/inactive")
    invitation, token = new_invitation(tenant_id, command.email, roles, ctx.uid)
    stored = repos.invitations(tenant_id).set(invitation)
    announce_invitation(invitation, token)
    return stored, token


INVITED = "customer.user_invited"


def announce_invitation(invitation: Invitation, token: str) -> None:
    """Emit ``customer.user_invited`` so the notifications service emails the invitee the
    link (the token travels in the event, as auth's action links do; it is never stored in
    plaintext). The event id derives from the token's hash: a re-invitation is a new event."""
    from shared import events

    events.publish(
        [
            events.new_event(
                INVITED,
                tenant_id=invitation.tenant_id,
                subject_id=invitation.id,
                event_id=f"invited-{invitation.id}-{(invitation.token_hash or token)[:16]}",
                data={
                    "invitationId": invitation.id,
                    "email": invitation.email,
                    "roles": invitation.roles,
                    "invitedBy": invitation.invited_by,
                    "token": token,
                    "expiresInDays": INVITATION_TTL_DAYS,
                },
            )
        ]
    )


def list_invitations(tenant_id: str, command: ListInvitations) -> Page[Invitation]:
    filters = [where("status", "==", command.status)] if command.status else []
    return repos.invitations(tenant_id).query(
        *filters, order_by=[Order("created_at", "desc")], limit=command.limit, cursor=command.cursor
    )


def revoke_invitation(uow: UnitOfWork, tenant_id: str, invitation_id: str) -> Invitation:
    """Revoke a pending invitation; revoking twice is a no-op; an accepted one stays accepted.

    A repeat writes nothing, so the callable runs it with ``check_first`` (revoked is final):
    answered from a plain read before any transaction, and an identical call that won the race
    makes this one succeed too."""
    invitations = uow.bind(repos.invitations(tenant_id))
    invitation = invitations.require(invitation_id)
    if invitation.status is InvitationStatus.ACCEPTED:
        raise FailedPrecondition("The invitation was already accepted", type="invitation/accepted")
    if invitation.status is InvitationStatus.PENDING:
        invitations.update(invitation_id, {"status": InvitationStatus.REVOKED})
    return invitation.model_copy(update={"status": InvitationStatus.REVOKED})
