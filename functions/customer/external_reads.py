"""The reads the API-key-authenticated ``customer_api`` endpoint serves, one page at a time.

Each takes the tenant already resolved from a verified API key, so nothing here can reach
another tenant. Answers are JSON-ready dicts with ``nextCursor`` (None on the last page).
"""

from typing import Any

from pydantic import ConfigDict, Field

from customer.models.external import DEFAULT_LIMIT, MAX_LIMIT, ExternalUser
from example import public as example_public
from shared.models import RequestModel
from shared.types import Cursor
from user import public as user_public


class PageQuery(RequestModel):
    """``?limit=&cursor=`` of a list route; any other parameter is refused, named."""

    model_config = ConfigDict(defer_build=True)

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: Cursor | None = None


def users_page(tenant_id: str, query: PageQuery) -> dict[str, Any]:
    """The tenant's users by id: ``id``, ``email``, ``displayName``, ``roles``, ``disabled``.

    Platform admins' profiles are left out after the query (a page may come out short; its
    ``nextCursor`` still leads on), as ``user_list`` does: a tenant never learns they exist."""
    page = user_public.directory_page(tenant_id, limit=query.limit, cursor=query.cursor)
    return {
        "users": [
            ExternalUser.of(user).to_wire() for user in page.items if not user.platform_admin
        ],
        "nextCursor": page.next_cursor,
    }


def projects_page(tenant_id: str, query: PageQuery) -> dict[str, Any]:
    """The tenant's projects (the example service's), newest first."""
    projects, next_cursor = example_public.projects_page(
        tenant_id, limit=query.limit, cursor=query.cursor
    )
    return {"projects": projects, "nextCursor": next_cursor}
