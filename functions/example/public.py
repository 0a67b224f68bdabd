"""What other services may call in the example service (its "server API").

Small, typed and documented; other services import this module, never the example service's
repositories or models, so the example service may change how it stores projects.
"""

from __future__ import annotations

from typing import Any


def projects_page(
    tenant_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the tenant's projects, newest first, as wire dicts (camelCase), and the
    cursor of the next page (None on the last)."""
    from example import repositories as repos
    from shared.repository import Order

    page = repos.projects(tenant_id).query(
        order_by=[Order("created_at", "desc")], limit=limit, cursor=cursor
    )
    return [project.to_wire() for project in page.items], page.next_cursor


__all__ = ["projects_page"]
