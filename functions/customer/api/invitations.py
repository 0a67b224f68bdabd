"""Callables for invitations (tenant admins; platform admins for any tenant), and
``customer_accept_invitation`` (any signed-in user holding an invitation's token).
They change who can get into a tenant, so the caller's token is checked for revocation."""

from __future__ import annotations

from customer import invitations, joining
from customer.models.tenants import (
    AcceptedInvitation,
    AcceptInvitation,
    InvitationAnswer,
    InvitationPage,
    InvitationRef,
    InviteUser,
    ListInvitations,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(InviteUser, permission="tenant.invitations.manage", check_revoked=True)
def customer_invite_user(ctx: AuthContext, req: InviteUser) -> InvitationAnswer:
    invitation, token = invitations.invite_user(ctx, ctx.tenant(req.tenant_id), req)
    return InvitationAnswer(
        invitation_id=invitation.id, invitation=invitation.public(), invitation_token=token
    )


@on_call()
@callable_endpoint(ListInvitations, permission="tenant.invitations.manage")
def customer_list_invitations(ctx: AuthContext, req: ListInvitations) -> InvitationPage:
    page = invitations.list_invitations(ctx.tenant(req.tenant_id), req)
    return InvitationPage(
        invitations=[i.public() for i in page.items], next_cursor=page.next_cursor
    )


@on_call()
@callable_endpoint(InvitationRef, permission="tenant.invitations.manage", check_revoked=True)
def customer_revoke_invitation(ctx: AuthContext, req: InvitationRef) -> InvitationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    invitation = in_transaction(
        lambda uow: invitations.revoke_invitation(uow, tenant_id, req.invitation_id),
        check_first=True,
    )
    return InvitationAnswer(invitation_id=invitation.id, invitation=invitation.public())


@on_call()
@callable_endpoint(AcceptInvitation, permission=None, check_revoked=True)
def customer_accept_invitation(ctx: AuthContext, req: AcceptInvitation) -> AcceptedInvitation:
    """Join the invitation's tenant; the client then refreshes its ID token for the claims.

    The claims are set from the profile as it stands after the commit (never from the
    invitation), so a replayed link cannot restore roles an admin has taken away."""
    from auth import public as auth_public

    account = auth_public.account(ctx.uid)
    joined = in_transaction(
        lambda uow: joining.accept_invitation(
            uow,
            ctx.uid,
            account.email,
            account.tenant_id,
            req.token,
            account.display_name,
            platform_admin=account.platform_admin,
        )
    )
    claims = auth_public.refresh_claims(ctx.uid, joined.tenant_id)
    if claims is None:  # the profile or tenant went in the meantime: nothing to grant
        raise joining.invalid_token()
    return AcceptedInvitation(tenant_id=joined.tenant_id, roles=claims["roles"])
