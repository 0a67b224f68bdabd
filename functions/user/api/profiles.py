"""Callables of the user service: profiles, the tenant's users, roles, terms, preferences.

Thin entry points: ``callable_endpoint`` checks sign-in, the one permission each names and the
payload; the tenant comes from the caller's claims (platform admins name ``tenantId``); the
domain modules do the rest. What a profile answer shows is filtered by
``static/user_attributes.yaml``.
"""

from __future__ import annotations

from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction
from user import directory, preferences, profiles, roles, terms
from user.attributes import visible
from user.models.requests import (
    AcceptTerms,
    AdminUpdate,
    GetPreferences,
    GetProfile,
    GrantRoles,
    ListTermsPending,
    ListUsers,
    PreferencesAnswer,
    ProfileAnswer,
    RolesAnswer,
    TermsAnswer,
    TermsPendingPage,
    UpdatePreferences,
    UpdateProfile,
    UserPage,
)


@on_call()
@callable_endpoint(GetProfile, permission="profile.read.own")
def user_get_profile(ctx: AuthContext, req: GetProfile) -> ProfileAnswer:
    """The caller's profile; with ``userId``, another's of the tenant (needs ``users.read``)."""
    profile = profiles.get_profile(ctx, ctx.tenant(req.tenant_id), req.user_id)
    return ProfileAnswer(profile=profile)


@on_call()
@callable_endpoint(UpdateProfile, permission="profile.update.own")
def user_update_profile(ctx: AuthContext, req: UpdateProfile) -> ProfileAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    profile = in_transaction(
        lambda uow: profiles.update_profile(uow, ctx, tenant_id, ctx.uid, req.changes)
    )
    return ProfileAnswer(profile=profile)


@on_call()
@callable_endpoint(ListUsers, permission="users.read")
def user_list(ctx: AuthContext, req: ListUsers) -> UserPage:
    users, next_cursor = directory.list_users(ctx, ctx.tenant(req.tenant_id), req)
    return UserPage(users=users, next_cursor=next_cursor)


@on_call()
@callable_endpoint(AdminUpdate, permission="users.update", check_revoked=True)
def user_admin_update(ctx: AuthContext, req: AdminUpdate) -> ProfileAnswer:
    """Another user's fields within the admin write list (one's own: the self list)."""
    tenant_id = ctx.tenant(req.tenant_id)
    profile = in_transaction(
        lambda uow: profiles.update_profile(uow, ctx, tenant_id, req.user_id, req.changes)
    )
    return ProfileAnswer(profile=profile)


@on_call()
@callable_endpoint(GrantRoles, permission="users.roles.grant", check_revoked=True)
def user_grant_roles(ctx: AuthContext, req: GrantRoles) -> RolesAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    granted = in_transaction(
        lambda uow: roles.grant_roles(uow, ctx, tenant_id, req.user_id, req.roles),
        check_first=True,
    )
    return RolesAnswer(user_id=req.user_id, roles=granted)


@on_call()
@callable_endpoint(AcceptTerms, permission="profile.update.own")
def user_accept_terms(ctx: AuthContext, req: AcceptTerms) -> TermsAnswer:
    acceptance = terms.accept_terms(ctx.tenant(req.tenant_id), ctx.uid, req.version)
    return TermsAnswer(
        version=acceptance.terms_version,
        accepted_at=acceptance.accepted_at,
        first=acceptance.first,
    )


@on_call()
@callable_endpoint(ListTermsPending, permission="users.terms.read")
def user_list_terms_pending(ctx: AuthContext, req: ListTermsPending) -> TermsPendingPage:
    pending, next_cursor = terms.list_pending(ctx.tenant(req.tenant_id), req.limit, req.cursor)
    return TermsPendingPage(
        current_version=terms.terms_config().current,
        users=[visible(p, profiles.access_for(ctx, p)) for p in pending],
        next_cursor=next_cursor,
    )


@on_call()
@callable_endpoint(UpdatePreferences, permission="profile.update.own")
def user_update_preferences(ctx: AuthContext, req: UpdatePreferences) -> PreferencesAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    stored = in_transaction(
        lambda uow: preferences.update_preferences(uow, tenant_id, ctx.uid, req.notifications)
    )
    return PreferencesAnswer(notifications=preferences.wire(stored))


@on_call()
@callable_endpoint(GetPreferences, permission="profile.read.own")
def user_get_preferences(ctx: AuthContext, req: GetPreferences) -> PreferencesAnswer:
    stored = preferences.get_preferences(ctx.tenant(req.tenant_id), ctx.uid)
    return PreferencesAnswer(notifications=preferences.wire(stored))
