"""Every function of the foundation, exposed to the Firebase Functions SDK and to gcloud.

Importing this module must stay cheap (cold start, and the CLI's discovery timeout): services
import only the SDK's trigger modules and pydantic at top level; clients are built on first use.
"""

from shared.clients import init_admin_app

init_admin_app()

from auth.api import auth_send_email_verification, auth_send_password_reset  # noqa: E402
from auth.blocking import before_user_created  # noqa: E402
from auth.triggers import (  # noqa: E402
    auth_on_customer_event,
    auth_on_sweep_job_written,
    auth_on_user_event,
    authSweepTenantUsers,
)
from customer.api import customer_create, customer_get, customer_update  # noqa: E402
from customer.api_invitations import (  # noqa: E402
    customer_invite_user,
    customer_list_invitations,
    customer_revoke_invitation,
    customer_update_registration,
)
from customer.api_keys_api import (  # noqa: E402
    customer_create_api_key,
    customer_list_api_keys,
    customer_revoke_api_key,
    customer_rotate_api_key,
)
from customer.api_lifecycle import customer_deactivate, customer_reactivate  # noqa: E402
from customer.api_organisation import (  # noqa: E402
    customer_create_org_entry,
    customer_deactivate_org_entry,
    customer_list_org_entries,
    customer_update_org_entry,
)
from customer.external_api import customer_api  # noqa: E402
from customer.triggers import (  # noqa: E402
    customer_close_expired_tenants,
    customer_on_tenant_written,
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
from user.api import (  # noqa: E402
    user_accept_terms,
    user_admin_update,
    user_get_preferences,
    user_get_profile,
    user_grant_roles,
    user_list,
    user_list_terms_pending,
    user_update_preferences,
    user_update_profile,
)
from user.api_lifecycle import (  # noqa: E402
    user_bulk_deactivate,
    user_bulk_reactivate,
    user_deactivate,
    user_get_bulk_job,
    user_reactivate,
)
from user.triggers import (  # noqa: E402
    user_deidentify_due,
    user_on_customer_event,
    user_on_profile_written,
    user_on_sweep_job_written,
    userDeidentify,
    userSweepTenantUsers,
)

__all__ = [
    "authSweepTenantUsers",
    "auth_on_customer_event",
    "auth_on_sweep_job_written",
    "auth_on_user_event",
    "auth_send_email_verification",
    "auth_send_password_reset",
    "before_user_created",
    "customer_api",
    "customer_close_expired_tenants",
    "customer_create",
    "customer_create_api_key",
    "customer_create_org_entry",
    "customer_deactivate",
    "customer_deactivate_org_entry",
    "customer_get",
    "customer_invite_user",
    "customer_list_api_keys",
    "customer_list_invitations",
    "customer_list_org_entries",
    "customer_on_tenant_written",
    "customer_reactivate",
    "customer_revoke_api_key",
    "customer_revoke_invitation",
    "customer_rotate_api_key",
    "customer_update",
    "customer_update_org_entry",
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
    "userDeidentify",
    "userSweepTenantUsers",
    "user_accept_terms",
    "user_admin_update",
    "user_bulk_deactivate",
    "user_bulk_reactivate",
    "user_deactivate",
    "user_deidentify_due",
    "user_get_bulk_job",
    "user_get_preferences",
    "user_get_profile",
    "user_grant_roles",
    "user_list",
    "user_list_terms_pending",
    "user_on_customer_event",
    "user_on_profile_written",
    "user_on_sweep_job_written",
    "user_reactivate",
    "user_update_preferences",
    "user_update_profile",
]
