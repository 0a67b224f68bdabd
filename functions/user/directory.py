"""Paging through a tenant's users for its admins: filters, prefix search, cursors.

Platform-admin users are never listed: a ``type`` filter names a tenant type, and without one
the platform admins are dropped and the page topped up from the next documents (not a
``type in [...]`` clause, which would also hide profiles stored without a ``type``, read as
business). Name and email prefixes are range queries on the lower-cased ``searchName`` /
``searchEmail`` copies (``user.models.profiles.search_fields``), served by the composite indexes of
``users`` in ``firestore.indexes.json``; without a prefix the list is ordered by uid and the
equality filters are served by Firestore's index merging.
"""

from __future__ import annotations

from typing import Any

from shared.auth_context import AuthContext
from shared.errors import InvalidArgument
from shared.repository import Filter, where
from user import repositories as repos
from user.attributes import visible
from user.models.profiles import UserType
from user.models.requests import ListUsers
from user.profiles import access_for

PREFIX_END = "\uf8ff"
MAX_TOP_UPS = 5
"""Queries at most per page to fill the places of dropped platform admins (then a short page)."""


def list_users(
    ctx: AuthContext, tenant_id: str, query: ListUsers
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the tenant's users as the caller may read them, ``nextCursor`` for the next.

    A cursor belongs to the filters it was made with: change them and start again.
    """
    filters: list[Filter] = [where("type", "==", query.type)] if query.type else []
    if query.role:
        filters.append(where("roles", "array-contains", query.role))
    if query.disabled is not None:
        filters.append(where("disabled", "==", query.disabled))
    filters += prefix_filters(query)
    repo = repos.profiles(tenant_id)
    users: list[dict[str, Any]] = []
    cursor = query.cursor
    for _ in range(MAX_TOP_UPS):
        # ask only for what is missing, so the page's cursor is the one to continue from
        page = repo.query(*filters, limit=query.limit - len(users), cursor=cursor)
        users += [
            visible(profile, access_for(ctx, profile))
            for profile in page.items
            if profile.type is not UserType.PLATFORM_ADMIN
        ]
        cursor = page.next_cursor
        if cursor is None or len(users) == query.limit:
            break
    return users, cursor


def prefix_filters(query: ListUsers) -> list[Filter]:
    """``field >= prefix`` and ``field < prefix + '\\uf8ff'`` on one search field, normalised as
    the stored copies are (lower case, single spaces)."""
    if query.name_prefix and query.email_prefix:
        raise InvalidArgument(
            "Search by name or by email, not both",
            fields=[{"field": "emailPrefix", "message": "not with namePrefix"}],
        )
    if query.name_prefix:
        field, prefix = "search_name", " ".join(query.name_prefix.lower().split())
    elif query.email_prefix:
        field, prefix = "search_email", query.email_prefix.strip().lower()
    else:
        return []
    return [where(field, ">=", prefix), where(field, "<", prefix + PREFIX_END)]
