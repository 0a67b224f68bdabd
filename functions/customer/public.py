"""What other services may call in the customer service (its "server API").

The auth service's blocking functions place a user whose email is verified; the rules live
in ``customer.joining`` (one pending invitation, else one verified domain, else nobody).
"""

from __future__ import annotations

from customer.joining import Joined


def place_verified_email(uid: str, email: str, display_name: str | None) -> Joined | None:
    """Place ``uid`` (verified ``email``) in the tenant the rules name, writing the consumed
    invitation and the first profile in one transaction; None when no single tenant is named.
    The caller sets the claims (the blocking function returns them)."""
    from customer import joining

    return joining.place_verified_email(uid, email, display_name)


__all__ = ["Joined", "place_verified_email"]
