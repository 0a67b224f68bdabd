"""What other services may call in the user service (its "server API").

Small, typed and documented; other services import this module, never the user service's
repositories or models, so the user service may change how it stores people. Joining a tenant
writes the user's first profile in the same transaction that consumes the invitation or checks
the domain (the customer service's ``customer.joining``), so those functions take the caller's
transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from shared.errors import FailedPrecondition, InvalidArgument
from user import repositories as repos
from user.models import UserType, first_profile

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction


def profile_exists(tenant_id: str, uid: str, *, transaction: Transaction) -> bool:
    """Whether ``uid`` already has a profile in ``tenant_id`` (read in ``transaction``)."""
    return repos.profiles(tenant_id).get(uid, transaction=transaction) is not None


def create_first_profile(
    tenant_id: str,
    uid: str,
    email: str | None,
    display_name: str | None,
    roles: list[str],
    *,
    transaction: Transaction,
) -> None:
    """Write a new user's first profile in ``transaction`` (fails at commit if it exists)."""
    profile = first_profile(uid, tenant_id, email, display_name, roles, now=datetime.now(UTC))
    repos.profiles(tenant_id).create(profile, writer=transaction)


def is_active_member(tenant_id: str, user_id: str) -> bool:
    """True when ``user_id`` is an enabled, tenant-visible user of ``tenant_id``: a profile in
    that tenant, not deactivated, not a platform admin. One document read; an id that cannot be
    a document id is simply no member."""

    try:
        profile = repos.profiles(tenant_id).get(user_id)
    except (InvalidArgument, FailedPrecondition):  # not an id; a malformed profile
        return False
    return (
        profile is not None
        and profile.tenant_id == tenant_id
        and not profile.disabled
        and profile.type is not UserType.PLATFORM_ADMIN
    )
