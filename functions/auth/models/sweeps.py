"""The kinds of the auth service's sweeps (the auth service stores no documents of its own
besides its sweep jobs, ``shared.sweeps``; it reads profiles through ``user.public``)."""

from enum import StrEnum


class SweepAction(StrEnum):
    """The kinds of the auth service's sweeps over a tenant's users (``auth.sweeps``)."""

    REFRESH_CLAIMS = "refresh-claims"  # a tenant's products (or a role's meaning) changed
