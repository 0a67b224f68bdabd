"""Customers and their first admins, joined as the new sign-up contract asks: the platform
admin creates the customer, the admin signs up (email unverified) and accepts the invitation
token from the answer, then refreshes their ID token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.callables import CallableError, call
from tests.support.signup import signed_in_again, signed_up
from tests.support.users import SignedInUser, unique_id

ADDRESS = {"line1": "1 Main St", "city": "Oslo", "postalCode": "0150", "country": "NO"}


def new_customer(platform_admin: SignedInUser) -> tuple[str, str, str]:
    """A new customer: its id, its first admin's email and invitation token."""
    admin_email = f"{unique_id('boss')}@acme.test"
    answer = call(
        "customer_create",
        {"name": "Acme", "adminEmail": admin_email, "products": ["core"], "address": ADDRESS},
        platform_admin,
    )
    return answer["tenantId"], admin_email, answer["invitationToken"]


def joined(user: SignedInUser, token: str) -> SignedInUser:
    """``user`` accepts the invitation, then refreshes their token (new claims)."""
    call("customer_accept_invitation", {"token": token}, user)
    return signed_in_again(user)


def new_admin(platform_admin: SignedInUser) -> tuple[str, SignedInUser]:
    """A new customer and its first admin, joined by the token."""
    tenant_id, admin_email, token = new_customer(platform_admin)
    return tenant_id, joined(signed_up(admin_email), token)


def refusal(name: str, payload: dict[str, Any], user: SignedInUser | None) -> CallableError:
    """The error ``name`` answers (the test fails if it answers a result)."""
    with pytest.raises(CallableError) as refused:
        call(name, payload, user)
    return refused.value
