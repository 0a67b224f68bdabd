"""Joining a tenant: by an invitation's token, or automatically for a verified email.

Every way in writes the same things in one unit of work: the invitation consumed (if one was
used) and the user's first profile (through ``user.public``, bound to the same unit); the
caller then sets the claims.

- :func:`accept_invitation` (``customer_accept_invitation``): the token from the link proves
  the invitee got the email; the signed-in account's email must be the invitation's.
- :func:`place_verified_email` (auth's blocking functions, for a provider-verified email):
  exactly one pending invitation for the email wins; several (from different tenants) place
  nobody, since guessing between tenants would hand a user to the wrong one, and so does one
  invitation from another tenant than the one holding the email's domain as a *verified* claim
  (``customer.domains``); with no invitation, that tenant places them with its default roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from customer import domains, invitation_tokens
from customer import repositories as repos
from customer.models.tenants import Invitation, InvitationStatus, TenantStatus
from shared.auth_context import AuthContext
from shared.errors import AppError, FailedPrecondition, NotFound, PermissionDenied
from shared.repository import where
from shared.roles_grant import check_grant
from shared.unit_of_work import UnitOfWork, in_transaction
from user import public as user_public


@dataclass(frozen=True)
class Joined:
    """Where a user was placed, with what, and how (``invitation`` or ``domain``)."""

    tenant_id: str
    roles: list[str]
    products: list[str]
    source: str
    invitation_id: str | None = None


def invalid_token() -> NotFound:
    """One answer for malformed, unknown, wrong, used, revoked and expired tokens: the caller
    learns nothing about which invitations exist."""
    return NotFound("The invitation link is not valid (any more)", type="invitation/invalid")


def _usable(invitation: Invitation | None, now: datetime) -> bool:
    return (
        invitation is not None
        and invitation.status is InvitationStatus.PENDING
        and invitation.expires_at > now
    )


def _consume(
    uow: UnitOfWork, invitation: Invitation, uid: str, email: str, display_name: str | None
) -> Joined | None:
    """In the unit: the invitation accepted by ``uid`` and the profile created; None when the
    tenant is no longer active or the user already has a profile there."""
    tenant = uow.bind(repos.tenants()).get(invitation.tenant_id)
    if tenant is None or tenant.status is not TenantStatus.ACTIVE:
        return None
    if user_public.profile_exists(uow, tenant.id, uid):
        return None
    uow.bind(repos.invitations(tenant.id)).update(
        invitation.id,
        {"status": InvitationStatus.ACCEPTED, "accepted_by": uid, "accepted_at": datetime.now(UTC)},
    )
    user_public.create_first_profile(uow, tenant.id, uid, email, display_name, invitation.roles)
    return Joined(tenant.id, invitation.roles, tenant.products, "invitation", invitation.id)


def accept_invitation(
    uow: UnitOfWork,
    uid: str,
    email: str | None,
    current_tenant: str | None,
    token: str,
    display_name: str | None,
    *,
    platform_admin: bool = False,
) -> Joined:
    """Place the signed-in user ``uid`` by the invitation ``token`` names.

    Rules: the token must be valid, pending and unexpired (``not-found``,
    ``invitation/invalid``); the account's email must be the invitation's, ignoring case
    (``permission-denied``, ``invitation/email-mismatch``). A user belongs to one tenant: one
    who already has a tenant is refused (``failed-precondition``, ``invitation/has-tenant``),
    except for a repeat of their own accepted invitation, which answers their place as it
    stands (:func:`_as_it_stands`), so a client that lost the answer, or whose claims were not
    set, can retry and gain nothing by it. A platform admin never joins a tenant
    (``failed-precondition``, ``invitation/platform-admin``): the tenant's claims would replace
    theirs, and the tenant's admins would hold their account.
    """
    parsed = invitation_tokens.parse(token)
    if parsed is None:
        raise invalid_token()
    invitation = uow.bind(repos.invitations(parsed.tenant_id)).get(parsed.invitation_id)
    if invitation is None or not invitation_tokens.matches(
        parsed, invitation.token_salt, invitation.token_hash
    ):
        raise invalid_token()
    if (email or "").lower() != invitation.email:
        raise PermissionDenied(
            "The invitation was sent to another email address",
            type="invitation/email-mismatch",
        )
    if invitation.status is InvitationStatus.ACCEPTED and invitation.accepted_by == uid:
        return _as_it_stands(uow, invitation, uid)
    if not _usable(invitation, datetime.now(UTC)) or not _inviter_still_grants(uow, invitation):
        raise invalid_token()
    if platform_admin:
        raise FailedPrecondition(
            "A platform admin's account never joins a tenant", type="invitation/platform-admin"
        )
    if current_tenant is not None:
        raise FailedPrecondition(
            "The account already belongs to a tenant", type="invitation/has-tenant"
        )
    joined = _consume(uow, invitation, uid, invitation.email, display_name)
    if joined is None:
        raise FailedPrecondition(
            "The tenant does not accept this invitation now", type="invitation/unusable"
        )
    return joined


def _inviter_still_grants(uow: UnitOfWork, invitation: Invitation) -> bool:
    """Whether whoever sent the invitation may still grant its roles: an admin demoted or
    deactivated since must not come back through a second account they invited while they
    could (their invitations die with their authority, as if revoked). An inviter with no
    profile in the tenant must still be an active platform admin (the first admin's)."""
    roles = user_public.grantor_roles(uow, invitation.tenant_id, invitation.invited_by)
    if roles is None:
        return _is_active_platform_admin(invitation.invited_by)
    inviter = AuthContext(
        uid=invitation.invited_by, tenant_id=invitation.tenant_id, roles=tuple(roles)
    )
    try:
        check_grant(inviter, invitation.roles)
    except AppError:
        return False
    return True


def _is_active_platform_admin(uid: str) -> bool:
    from firebase_admin import auth

    from auth import public as auth_public  # the customer -> auth edge issue 22 straightens

    try:
        account = auth_public.account(uid)
    except auth.UserNotFoundError:
        return False
    return account.platform_admin and not account.disabled


def _as_it_stands(uow: UnitOfWork, invitation: Invitation, uid: str) -> Joined:
    """A repeat by the user who accepted: the tenant and the roles the profile holds now.

    Never the invitation's roles: an admin demoted since (or stripped of every role) who
    replays their link must not get the old roles back as claims. A link past its expiry, or
    whose tenant or profile is gone, is dead (``invitation/invalid``) like any other."""
    tenant = uow.bind(repos.tenants()).get(invitation.tenant_id)
    roles = user_public.current_roles(uow, invitation.tenant_id, uid)
    if (
        invitation.expires_at <= datetime.now(UTC)
        or tenant is None
        or tenant.status is not TenantStatus.ACTIVE
        or roles is None
    ):
        raise invalid_token()
    return Joined(tenant.id, roles, tenant.products, "invitation", invitation.id)


def pending_invitations(email: str) -> list[Invitation]:
    """Pending, unexpired invitations for ``email`` across tenants (a collection-group query
    on ``invitations``, indexed in firestore.indexes.json)."""
    found = repos.invitations_everywhere().stream_all(
        where("email", "==", email), where("status", "==", InvitationStatus.PENDING)
    )
    now = datetime.now(UTC)
    return [i for i in found if _usable(i, now)]


def place_verified_email(uid: str, email: str, display_name: str | None) -> Joined | None:
    """Place a user whose email the provider (or our verification link) proved; None when the
    rules name no single tenant. Call only for a verified email.

    The candidates come from a query across tenants (no lock); the one chosen is read again in
    the unit that consumes it."""
    email = email.lower()
    candidates = pending_invitations(email)
    if len(candidates) > 1:
        return None
    if candidates:
        chosen = candidates[0]
        return in_transaction(lambda uow: _by_invitation(uow, chosen, uid, email, display_name))
    domain = email.rsplit("@", 1)[-1]
    return in_transaction(lambda uow: _by_domain(uow, domain, uid, email, display_name))


def _by_invitation(
    uow: UnitOfWork, invitation: Invitation, uid: str, email: str, display_name: str | None
) -> Joined | None:
    current = uow.bind(repos.invitations(invitation.tenant_id)).get(invitation.id)
    if (
        current is None
        or not _usable(current, datetime.now(UTC))
        or not _inviter_still_grants(uow, current)
    ):
        return None
    owner = domains.verified_tenant(uow, email.rsplit("@", 1)[-1])
    if owner is not None and owner.id != current.tenant_id:
        # Another tenant proved it owns the email's domain: an invitation any tenant admin can
        # send must not carry that organisation's people off automatically. Two candidates,
        # so nobody is placed; the user picks by token.
        return None
    return _consume(uow, current, uid, email, display_name)


def _by_domain(
    uow: UnitOfWork, domain: str, uid: str, email: str, display_name: str | None
) -> Joined | None:
    tenant = domains.verified_tenant(uow, domain)
    if tenant is None or user_public.profile_exists(uow, tenant.id, uid):
        return None
    roles = tenant.registration.default_roles
    user_public.create_first_profile(uow, tenant.id, uid, email, display_name, roles)
    return Joined(tenant.id, roles, tenant.products, "domain")
