"""Backfill ``openTaskCount`` on projects written before the counter existed.

Safe to re-run: it sets the count from an aggregation query, never adds to it.
"""

from __future__ import annotations

from example import repositories as repos
from example.models.projects import TaskStatus
from shared import paths
from shared.models import Document
from shared.repository import CollectionRepository, where

VERSION = "0001"
DESCRIPTION = "Backfill openTaskCount on every project"


def apply() -> int:
    changed = 0
    for tenant in CollectionRepository(Document, paths.tenants()).stream_all():
        repo = repos.projects(tenant.id)
        updates = []
        for project in repo.stream_all():
            count = repos.tasks(tenant.id, project.id).count(where("status", "==", TaskStatus.OPEN))
            if count != project.open_task_count:
                updates.append((project.id, {"open_task_count": count}))
        changed += repo.update_many(updates)
    return changed
