"""Every function of the foundation, exposed to the Firebase Functions SDK and to gcloud.

``FUNCTIONS`` names each service module and the functions it defines. Discovery (the Firebase
CLI, the Functions emulator's admin server, ``deploy-functions.sh``) imports this module with
no ``FUNCTION_TARGET`` and gets every function. A deployed instance (Cloud Functions, and each
worker of the Functions emulator) serves one function, named by ``FUNCTION_TARGET``: it imports
only the module that defines it, so its cold start pays for that service alone.
"""

import gc
import importlib
import os

from shared.clients import init_admin_app

FUNCTIONS: dict[str, tuple[str, ...]] = {
    "auth.api.action_links": (
        "auth_send_email_verification",
        "auth_send_password_reset",
    ),
    "auth.blocking": (
        "before_user_created",
        "before_user_signed_in",
    ),
    "auth.triggers": (
        "authSendActionLink",
        "authSweepTenantUsers",
        "auth_on_customer_event",
        "auth_on_sweep_job_written",
        "auth_on_user_event",
    ),
    "customer.api.tenants": (
        "customer_create",
        "customer_get",
        "customer_update",
    ),
    "customer.api.invitations": (
        "customer_accept_invitation",
        "customer_invite_user",
        "customer_list_invitations",
        "customer_revoke_invitation",
    ),
    "customer.api.registration": (
        "customer_approve_domain",
        "customer_get_registration",
        "customer_update_registration",
        "customer_verify_domain",
    ),
    "customer.api.keys": (
        "customer_create_api_key",
        "customer_list_api_keys",
        "customer_revoke_api_key",
        "customer_rotate_api_key",
    ),
    "customer.api.lifecycle": (
        "customer_deactivate",
        "customer_reactivate",
    ),
    "customer.api.organisation": (
        "customer_create_org_entry",
        "customer_deactivate_org_entry",
        "customer_list_org_entries",
        "customer_update_org_entry",
    ),
    "customer.api.external": ("customer_api",),
    "customer.triggers": (
        "customer_close_expired_tenants",
        "customer_on_tenant_written",
    ),
    "example.api.projects": (
        "example_archive_project",
        "example_assign_task",
        "example_complete_task",
        "example_create_project",
        "example_create_task",
        "example_list_projects",
        "example_update_project",
    ),
    "example.triggers": (
        "exampleSendDueReminder",
        "example_archive_idle_projects",
        "example_count_open_tasks",
        "example_on_task_written",
    ),
    "files.api.receipts": (
        "files_clone",
        "files_create_upload",
        "files_get_download_urls",
    ),
    "files.api.quotas": ("files_set_tenant_quota",),
    "files.triggers": (
        "filesDeleteExpired",
        "filesDeleteUnreferenced",
        "files_expire_stale_uploads",
        "files_on_references_written",
        "files_on_storage_event",
        "filesSweepTenant",
        "files_on_sweep_job_written",
        "files_reconcile_daily",
    ),
    "user.api.profiles": (
        "user_accept_terms",
        "user_admin_update",
        "user_get_preferences",
        "user_get_profile",
        "user_grant_roles",
        "user_list",
        "user_list_terms_pending",
        "user_update_preferences",
        "user_update_profile",
    ),
    "user.api.lifecycle": (
        "user_bulk_deactivate",
        "user_bulk_reactivate",
        "user_deactivate",
        "user_get_bulk_job",
        "user_reactivate",
    ),
    "user.triggers": (
        "userDeidentify",
        "userSweepTenantUsers",
        "user_deidentify_due",
        "user_on_customer_event",
        "user_on_profile_written",
        "user_on_sweep_job_written",
    ),
    "messaging.api.conversations": (
        "messaging_add_participants",
        "messaging_block_user",
        "messaging_clear_history",
        "messaging_close_conversation",
        "messaging_create_conversation",
        "messaging_mute",
        "messaging_remove_participant",
        "messaging_unblock_user",
    ),
    "messaging.api.messages": (
        "messaging_delete_message",
        "messaging_edit_message",
        "messaging_flag_message",
        "messaging_mark_read",
        "messaging_react",
        "messaging_send_message",
    ),
    "messaging.api.attachment_downloads": ("messaging_get_attachment_urls",),
    "messaging.triggers": (
        "messagingRecountUnread",
        "messaging_apply_retention",
        "messaging_on_message_created",
        "messaging_on_user_event",
    ),
    "notifications.api.inbox": (
        "notifications_archive",
        "notifications_mark_viewed",
    ),
    "notifications.api.devices": (
        "notifications_register_device_token",
        "notifications_unregister_device_token",
    ),
    "notifications.api.settings": (
        "notifications_resend",
        "notifications_update_settings",
        "notifications_update_tenant_settings",
    ),
    "notifications.triggers": (
        "notificationsDeliver",
        "notificationsDispatch",
        "notificationsFlushDigest",
        "notificationsNudge",
        "notifications_on_auth_event",
        "notifications_on_customer_event",
        "notifications_on_messaging_event",
        "notifications_sweep_device_tokens",
    ),
    # new-service: generated services go above this line
}


def modules_for(target: str | None) -> list[str]:
    """The modules to import for ``target`` (every module when it is unset or unknown)."""
    for module, names in FUNCTIONS.items():
        if target in names:
            return [module]
    return list(FUNCTIONS)


# The garbage collector is paused while the SDK, pydantic and our modules load, then what they
# loaded is frozen. Importing creates 65-160 thousand objects that live as long as the process,
# and about 780 of them are garbage: collecting as they appear cost 45-58 ms of every cold start
# (one full pass plus ~150 young ones, measured with ``gc.callbacks``), and every later full
# pass would scan them again. Frozen, they are never scanned; the collector runs as usual on
# what requests allocate.
_collecting = gc.isenabled()
gc.disable()
try:
    # The SDK verifies callable ID tokens with the default Admin app before our code runs;
    # creating it is cheap (credentials load on first use).
    init_admin_app()
    for _module in modules_for(os.environ.get("FUNCTION_TARGET")):
        _loaded = importlib.import_module(_module)
        globals().update({name: getattr(_loaded, name) for name in FUNCTIONS[_module]})
    gc.freeze()
finally:
    if _collecting:
        gc.enable()

__all__ = sorted(name for names in FUNCTIONS.values() for name in names)
