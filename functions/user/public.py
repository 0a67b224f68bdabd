"""What other services may call in the user service (its "server API").

Joining a tenant writes the user's first profile in the same transaction that consumes the
invitation or checks the domain (the customer service's ``customer.joining``), so these take
the caller's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from user import repositories as repos
from user.models import first_profile

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
