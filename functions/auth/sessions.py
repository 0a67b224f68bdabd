"""Session control for one user, driven by the user service's events.

``user.disabled``: revoke every refresh token and disable the Auth account (one Admin SDK
call), so the user is out at once wherever callables check revocation. ``user.reactivated``:
enable the account again. ``user.deleted``: revoke, then delete the Auth account, and emit
``auth.user_deleted``. Each is idempotent: disabling a disabled account or deleting a deleted
one changes nothing, and the event id of ``auth.user_deleted`` derives from its cause.
"""

from __future__ import annotations

import time

from shared import events, logs

USER_DELETED = "auth.user_deleted"
_log = logs.get_logger("auth.sessions")


def disable_user(uid: str) -> bool:
    """Disable the account and revoke its refresh tokens; False if there is no such account."""
    from firebase_admin import auth

    from shared.clients import admin_app

    try:
        auth.update_user(uid, disabled=True, valid_since=int(time.time()), app=admin_app())
    except auth.UserNotFoundError:
        return False
    return True


def enable_user(uid: str) -> bool:
    """Enable the account again (sessions stay revoked: the user signs in anew)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    try:
        auth.update_user(uid, disabled=False, app=admin_app())
    except auth.UserNotFoundError:
        return False
    return True


def delete_user(uid: str, tenant_id: str | None, cause_id: str) -> bool:
    """Revoke, then delete the Auth account and emit ``auth.user_deleted``; False if it was
    already gone (the event is emitted either way, with the same id, so a consumer that missed
    it on the first delivery still gets it)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    existed = disable_user(uid)
    if existed:
        try:
            auth.delete_user(uid, app=admin_app())
        except auth.UserNotFoundError:
            existed = False
    events.publish(
        [
            events.new_event(
                USER_DELETED,
                tenant_id=tenant_id,
                subject_id=uid,
                event_id=f"auth-deleted-{cause_id}",
            )
        ]
    )
    _log.info("auth account deleted", extra={"fields": {"uid": uid, "existed": existed}})
    return existed
