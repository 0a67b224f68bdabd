"""Every function of the foundation, exposed to the Firebase Functions SDK and to gcloud.

Importing this module must stay cheap (cold start, and the CLI's discovery timeout): services
import only the SDK's trigger modules and pydantic at top level; clients are built on first use.
"""

from shared.clients import init_admin_app

init_admin_app()

from auth.blocking import before_user_created  # noqa: E402
from customer.api import customer_create, customer_get, customer_update  # noqa: E402
from customer.api_invitations import (  # noqa: E402
    customer_invite_user,
    customer_list_invitations,
    customer_revoke_invitation,
    customer_update_registration,
)
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
    "before_user_created",
    "customer_create",
    "customer_get",
    "customer_invite_user",
    "customer_list_invitations",
    "customer_revoke_invitation",
    "customer_update",
    "customer_update_registration",
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
