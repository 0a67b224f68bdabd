"""What other services may ask the user service directly (its "server API").

Small, typed and documented; other services import this module, never the user service's
repositories or models, so the user service may change how it stores people.
"""

from __future__ import annotations


def is_active_member(tenant_id: str, user_id: str) -> bool:
    """True when ``user_id`` is an enabled, tenant-visible user of ``tenant_id``: a profile in
    that tenant, not deactivated, not a platform admin. One document read; an id that cannot be
    a document id is simply no member."""
    from shared.errors import FailedPrecondition, InvalidArgument
    from user import repositories as repos
    from user.models import UserType

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
