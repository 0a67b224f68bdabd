"""Scheduled upkeep: archive projects that have been idle with no open tasks.

Pages through tenants and, per tenant, through matching projects, and archives them in chunked
batches; re-running it archives nothing twice because archived projects no longer match.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from customer import public as customer_public
from example import repositories as repos
from example.models.projects import ProjectStatus
from shared.repository import where

IDLE_AFTER = timedelta(days=90)


def archive_idle_projects(now: datetime | None = None) -> int:
    """Archive active projects with no open task and no change for ``IDLE_AFTER``."""
    cutoff = (now or datetime.now(UTC)) - IDLE_AFTER
    archived = 0
    for tenant_id in customer_public.tenant_ids():
        repo = repos.projects(tenant_id)
        idle = repo.stream_all(
            where("status", "==", ProjectStatus.ACTIVE),
            where("open_task_count", "==", 0),
            where("updated_at", "<", cutoff),
        )
        archived += repo.update_many((p.id, {"status": ProjectStatus.ARCHIVED}) for p in idle)
    return archived
