"""Where a new sign-up belongs, decided once, before the Auth user exists.

1. A pending, unexpired invitation for the email wins (the newest, if several tenants invited
   it): its tenant and roles; the invitation is consumed in the same transaction that creates
   the user's profile, so it cannot be used twice.
2. Else a tenant whose registration settings whitelist the email's domain: its default roles.
3. Else the user is created without a tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from customer import repositories as customer_repos
from customer.models import Invitation, InvitationStatus, Tenant, TenantStatus
from shared import claims, paths
from shared.clients import firestore_client
from shared.transactions import run_transaction
from user.models import first_profile

USERS = "users"


@dataclass(frozen=True)
class Placement:
    """The outcome of a sign-up: the tenant (if any), roles and how they were decided."""

    tenant_id: str | None
    roles: list[str]
    products: list[str]
    source: str  # invitation | domain | none
    invitation_id: str | None = None


def place_new_user(uid: str, email: str | None, display_name: str | None) -> Placement:
    """Decide, consume the invitation and write the profile; answer the placement."""
    if email:
        email = email.lower()
        for invitation in _pending_invitations(email):
            placed = _accept(invitation, uid, email, display_name)
            if placed is not None:
                return placed
        tenant = _tenant_for_domain(email.rsplit("@", 1)[-1])
        if tenant is not None:
            roles = tenant.registration.default_roles
            placement = Placement(tenant.id, roles, tenant.products, "domain")
            firestore_client().document(str(_profile_path(tenant.id, uid))).create(
                _profile(placement, uid, email, display_name)
            )
            return placement
    return Placement(None, [], [], "none")


def token_claims(uid: str, placement: Placement) -> dict[str, Any]:
    """The custom claims the very first ID token carries."""
    return claims.validate(
        {
            "tenantId": placement.tenant_id,
            "appUserId": uid,
            "roles": placement.roles,
            "products": placement.products,
        }
    )


def _pending_invitations(email: str) -> list[Invitation]:
    """Pending invitations for the email across tenants, newest first (a collection-group query
    on ``invitations``; indexed in firestore.indexes.json)."""
    from google.cloud.firestore import FieldFilter

    query = (
        firestore_client()
        .collection_group(customer_repos.INVITATIONS)
        .where(filter=FieldFilter("email", "==", email))
        .where(filter=FieldFilter("status", "==", InvitationStatus.PENDING.value))
    )
    now = datetime.now(UTC)
    found = [Invitation.from_firestore(s.id, s.to_dict() or {}) for s in query.stream()]
    live = [i for i in found if i.expires_at > now]
    return sorted(live, key=lambda i: i.created_at or now, reverse=True)


def _accept(
    invitation: Invitation, uid: str, email: str, display_name: str | None
) -> Placement | None:
    """Consume the invitation and create the profile atomically; None if it was taken or the
    tenant is no longer active (the caller then tries the next rule)."""
    invitations = customer_repos.invitations(invitation.tenant_id)
    tenants = customer_repos.tenants()
    db = firestore_client()

    def work(txn: Any) -> Placement | None:
        current = invitations.get(invitation.id, transaction=txn)
        tenant = tenants.get(invitation.tenant_id, transaction=txn)
        now = datetime.now(UTC)
        if (
            current is None
            or current.status is not InvitationStatus.PENDING
            or current.expires_at <= now
            or tenant is None
            or tenant.status is not TenantStatus.ACTIVE
        ):
            return None
        placement = Placement(
            tenant.id, current.roles, tenant.products, "invitation", invitation.id
        )
        invitations.update(
            invitation.id,
            {"status": InvitationStatus.ACCEPTED, "accepted_by": uid, "accepted_at": now},
            writer=txn,
        )
        txn.create(
            db.document(str(_profile_path(tenant.id, uid))),
            _profile(placement, uid, email, display_name),
        )
        return placement

    return run_transaction(work)


def _tenant_for_domain(domain: str) -> Tenant | None:
    """The oldest active tenant whose registration whitelists ``domain``."""
    from google.cloud.firestore import FieldFilter

    query = (
        firestore_client()
        .collection(str(paths.tenants()))
        .where(filter=FieldFilter("registration.whitelistedDomains", "array_contains", domain))
    )
    tenants = [Tenant.from_firestore(s.id, s.to_dict() or {}) for s in query.stream()]
    active = [t for t in tenants if t.status is TenantStatus.ACTIVE]
    epoch = datetime.min.replace(tzinfo=UTC)
    return min(active, key=lambda t: t.created_at or epoch, default=None)


def _profile_path(tenant_id: str, uid: str) -> paths.DocumentPath:
    return paths.tenant_collection(tenant_id, USERS).document(uid)


def _profile(
    placement: Placement, uid: str, email: str, display_name: str | None
) -> dict[str, Any]:
    """The first profile document (the user service owns profiles from then on)."""
    assert placement.tenant_id is not None
    profile = first_profile(
        uid, placement.tenant_id, email, display_name, placement.roles, now=datetime.now(UTC)
    )
    return profile.to_firestore()
