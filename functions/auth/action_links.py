"""Password-reset and email-verification links, handed to the notifications service.

The callables are public (a user who forgot their password is signed out), so they are
throttled three ways in one transaction (``shared.throttle.take_all``): per email (3 per 15
minutes), per caller address (``shared.callables.caller_address``: 20 per 15 minutes) and
overall (600 a minute, spread over ``GLOBAL_SHARDS`` counters so that no single document is
written more than about once a second under full load). Past any limit: ``resource-exhausted``.

The answer, and the time it takes, must not tell whether the email has an account. So the
callable does the same work for every email: validate, throttle, enqueue one task
(``authSendActionLink``), answer. Only the task looks the user up, generates the link and
emits it in an event (``auth.password_reset_requested`` / ``auth.email_verification_requested``),
the contract with the notifications service that delivers it.
"""

import random
import uuid
from datetime import timedelta
from enum import StrEnum

from pydantic import Field

from shared import events, logs, throttle
from shared.callables import caller_address
from shared.models import Email, Model

LIMIT = 3
WINDOW = timedelta(minutes=15)
CALLER_LIMIT = 20
CALLER_WINDOW = timedelta(minutes=15)
GLOBAL_LIMIT = 600
GLOBAL_WINDOW = timedelta(minutes=1)
GLOBAL_SHARDS = 10
TASK_FUNCTION = "authSendActionLink"
_log = logs.get_logger("auth.action_links")


class LinkKind(StrEnum):
    PASSWORD_RESET = "password-reset"
    EMAIL_VERIFICATION = "email-verification"


EVENT_TYPES = {
    LinkKind.PASSWORD_RESET: "auth.password_reset_requested",
    LinkKind.EMAIL_VERIFICATION: "auth.email_verification_requested",
}


class ActionLinkTask(Model):
    """One request for a link, as queued for ``authSendActionLink``."""

    request_id: str = Field(description="Names the event, so a redelivered task sends once.")
    kind: LinkKind
    email: Email


def limits(kind: LinkKind, email: str, caller: str) -> list[throttle.Limit]:
    """The three budgets one request draws on."""
    shard = random.randrange(GLOBAL_SHARDS)
    return [
        throttle.Limit(kind.value, email, LIMIT, WINDOW),
        throttle.Limit(f"{kind.value}-caller", caller, CALLER_LIMIT, CALLER_WINDOW),
        throttle.Limit(
            "action-links-all", str(shard), GLOBAL_LIMIT // GLOBAL_SHARDS, GLOBAL_WINDOW
        ),
    ]


def request_link(kind: LinkKind, email: str) -> None:
    """Throttle and queue the request: the same work whether or not the email is known."""
    from shared.tasks import enqueue

    throttle.take_all(limits(kind, email, caller_address()))
    task = ActionLinkTask(request_id=uuid.uuid4().hex, kind=kind, email=email)
    enqueue(TASK_FUNCTION, task)


def link_tenant(claims: dict[str, object]) -> str | None:
    """The tenant whose branding the link's email wears: the user's, except for a platform
    admin, whose credentials stay outside every tenant's reach (no tenant branding, no tenant
    delivery record). Credentials never use a tenant's mail server whatever the tenant
    (``tenantMailServer`` in ``static/notifications.yaml``)."""
    if claims.get("platformAdmin"):
        return None
    tenant = claims.get("tenantId")
    return tenant if isinstance(tenant, str) else None


def send_link(task: ActionLinkTask) -> None:
    """Generate the link and emit it; nothing for an unknown or disabled account (or an
    address verified already, when asking for verification). A redelivered task emits an
    event with the same id, which consumers deduplicate."""
    from firebase_admin import auth

    from shared.clients import admin_app

    app, kind, email = admin_app(), task.kind, task.email
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
    events.publish(
        [
            events.new_event(
                EVENT_TYPES[kind],
                tenant_id=link_tenant(user.custom_claims or {}),
                subject_id=user.uid,
                event_id=f"action-link-{task.request_id}",
                data={"email": email, "link": link, "displayName": user.display_name},
            )
        ]
    )
