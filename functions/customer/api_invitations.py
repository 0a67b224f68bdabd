"""Callables for invitations and registration settings (tenant admins; platform admins for any
tenant). They change who can get into a tenant, so the caller's token is checked for
revocation."""

from __future__ import annotations

from customer import invitations
from customer.models import (
    InvitationAnswer,
    InvitationPage,
    InvitationRef,
    InviteUser,
    ListInvitations,
    RegistrationAnswer,
    UpdateRegistration,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call


@on_call()
@callable_endpoint(InviteUser, permission="tenant.invitations.manage", check_revoked=True)
def customer_invite_user(ctx: AuthContext, req: InviteUser) -> InvitationAnswer:
    invitation = invitations.invite_user(ctx, ctx.tenant(req.tenant_id), req)
    return InvitationAnswer(invitation_id=invitation.id, invitation=invitation)


@on_call()
@callable_endpoint(ListInvitations, permission="tenant.invitations.manage")
def customer_list_invitations(ctx: AuthContext, req: ListInvitations) -> InvitationPage:
    page = invitations.list_invitations(ctx.tenant(req.tenant_id), req)
    return InvitationPage(invitations=page.items, next_cursor=page.next_cursor)


@on_call()
@callable_endpoint(InvitationRef, permission="tenant.invitations.manage", check_revoked=True)
def customer_revoke_invitation(ctx: AuthContext, req: InvitationRef) -> InvitationAnswer:
    invitation = invitations.revoke_invitation(ctx.tenant(req.tenant_id), req.invitation_id)
    return InvitationAnswer(invitation_id=invitation.id, invitation=invitation)


@on_call()
@callable_endpoint(UpdateRegistration, permission="tenant.registration.manage", check_revoked=True)
def customer_update_registration(ctx: AuthContext, req: UpdateRegistration) -> RegistrationAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    settings = invitations.update_registration(ctx, tenant_id, req)
    return RegistrationAnswer(tenant_id=tenant_id, registration=settings)
