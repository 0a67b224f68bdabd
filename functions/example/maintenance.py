"""Scheduled upkeep: archive projects that have been idle with no open tasks.

Pages through tenants and, per tenant, through matching projects, and archives them in chunked
batches; re-running it archives nothing twice because archived projects no longer match.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from example import repositories as repos
from example.models import ProjectStatus
from shared import paths
from shared.models import Document
from shared.repository import CollectionRepository, where

IDLE_AFTER = timedelta(days=90)


def archive_idle_projects(now: datetime | None = None) -> int:
    """Archive active projects with no open task and no change for ``IDLE_AFTER``."""
    cutoff = (now or datetime.now(UTC)) - IDLE_AFTER
    tenants = CollectionRepository(Document, paths.tenants())
    archived = 0
    for tenant in tenants.stream_all():
        repo = repos.projects(tenant.id)
        idle = repo.stream_all(
            where("status", "==", ProjectStatus.ACTIVE),
            where("open_task_count", "==", 0),
            where("updated_at", "<", cutoff),
        )
        archived += repo.update_many((p.id, {"status": ProjectStatus.ARCHIVED}) for p in idle)
    return archived
