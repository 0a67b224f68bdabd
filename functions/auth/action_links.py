"""Password-reset and email-verification links, handed to the notifications service.

The callables are public (a user who forgot their password is signed out), so each email may
ask at most ``LIMIT`` times per ``WINDOW`` (``resource-exhausted`` after that), and the answer
never says whether the email belongs to a user: the throttle counts every request alike, and a
missing user gets the same answer as an existing one. The link travels in an event
(``auth.password_reset_requested`` / ``auth.email_verification_requested``), which is the
contract with the notifications service that delivers it.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from shared import events, logs, throttle

LIMIT = 3
WINDOW = timedelta(minutes=15)
_log = logs.get_logger("auth.action_links")


class LinkKind(StrEnum):
    PASSWORD_RESET = "password-reset"
    EMAIL_VERIFICATION = "email-verification"


EVENT_TYPES = {
    LinkKind.PASSWORD_RESET: "auth.password_reset_requested",
    LinkKind.EMAIL_VERIFICATION: "auth.email_verification_requested",
}


def request_link(kind: LinkKind, email: str) -> None:
    """Throttle, generate the link and emit it; silently nothing for an unknown email (and for
    an address that is verified already, when asking for verification)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    throttle.take(kind.value, email, limit=LIMIT, window=WINDOW)
    app = admin_app()
    try:
        user = auth.get_user_by_email(email, app=app)
    except auth.UserNotFoundError:
        _log.info("action link for an unknown email", extra={"fields": {"kind": kind.value}})
        return
    if user.disabled or (kind is LinkKind.EMAIL_VERIFICATION and user.email_verified):
        return
    if kind is LinkKind.PASSWORD_RESET:
        link = auth.generate_password_reset_link(email, app=app)
    else:
        link = auth.generate_email_verification_link(email, app=app)
    claims = user.custom_claims or {}
    events.publish(
        [
            events.new_event(
                EVENT_TYPES[kind],
                tenant_id=claims.get("tenantId"),
                subject_id=user.uid,
                data={"email": email, "link": link, "displayName": user.display_name},
            )
        ]
    )
