"""Where the example service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from example.models.projects import Project, Task
from shared import paths
from shared.repository import CollectionRepository, SubcollectionRepository

PROJECTS = "projects"
TASKS = "tasks"


def projects(tenant_id: str) -> CollectionRepository[Project]:
    """``tenants/{tenantId}/projects``."""
    return CollectionRepository(Project, paths.tenant_collection(tenant_id, PROJECTS))


def tasks(tenant_id: str, project_id: str) -> SubcollectionRepository[Task]:
    """``tenants/{tenantId}/projects/{projectId}/tasks``."""
    return SubcollectionRepository(
        Task, paths.tenant_collection(tenant_id, PROJECTS).document(project_id), TASKS
    )
