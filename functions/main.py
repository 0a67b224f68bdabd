"""Every function of the foundation, exposed to the Firebase Functions SDK and to gcloud.

Importing this module must stay cheap (cold start, and the CLI's discovery timeout): services
import only the SDK's trigger modules and pydantic at top level; clients are built on first use.
"""

from shared.clients import init_admin_app

init_admin_app()

from customer.api import customer_create, customer_get, customer_update  # noqa: E402

from example.api import (  # noqa: E402
    example_archive_project,
    example_assign_task,
    example_complete_task,
    example_create_project,
    example_create_task,
    example_list_projects,
    example_update_project,
)
from example.triggers import (  # noqa: E402
    example_archive_idle_projects,
    example_count_open_tasks,
    example_on_task_written,
    exampleSendDueReminder,
)

__all__ = [
    "customer_create",
    "customer_get",
    "customer_update",
    "exampleSendDueReminder",
    "example_archive_idle_projects",
    "example_archive_project",
    "example_assign_task",
    "example_complete_task",
    "example_count_open_tasks",
    "example_create_project",
    "example_create_task",
    "example_list_projects",
    "example_on_task_written",
    "example_update_project",
]
