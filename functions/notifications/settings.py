"""Per-user quiet hours and per-tenant channel settings (defaults, SMTP, webhooks).

Both documents are closed to clients (the SMTP password must never be readable); they change
through callables, in transactions that merge: fields a request leaves out are kept, the SMTP
password included (``password: null`` clears it).
"""

from __future__ import annotations

from typing import Any

from notifications import repositories as repos
from notifications.definitions import Channel, definitions
from notifications.models.settings import (
    SmtpSettings,
    TenantChannels,
    UpdateSettings,
    UpdateTenantChannels,
    UserSettings,
    public_host,
)
from shared.errors import InvalidArgument
from shared.unit_of_work import UnitOfWork, in_transaction


def update_user_settings(tenant_id: str, user_id: str, req: UpdateSettings) -> UserSettings:
    repo = repos.user_settings(tenant_id)
    return repo.set(UserSettings(id=user_id, quiet_hours=req.quiet_hours))


def update_tenant_channels(tenant_id: str, req: UpdateTenantChannels) -> TenantChannels:
    _check_defaults(req.defaults or {})
    if req.smtp is not None:
        _check_smtp_host(req.smtp.host)
    repo = repos.tenant_channels(tenant_id)
    changes = req.model_dump(exclude={"tenant_id"}, exclude_unset=True)

    def work(uow: UnitOfWork) -> TenantChannels:
        documents = uow.bind(repo)
        current = documents.get(repos.CHANNEL_SETTINGS) or TenantChannels(id=repos.CHANNEL_SETTINGS)
        update: dict[str, Any] = {}
        for name in changes:
            update[name] = getattr(req, name)
        if "defaults" in update and update["defaults"] is not None:
            merged = {k: dict(v) for k, v in current.defaults.items()}
            for notification, channels in update["defaults"].items():
                merged.setdefault(notification, {}).update(channels)
            update["defaults"] = merged
        elif "defaults" in update:
            update["defaults"] = {}
        if update.get("smtp") is not None:
            update["smtp"] = _keep_password(update["smtp"], current.smtp)
        result = current.model_copy(update=update)
        return documents.set(result)

    return in_transaction(work)


def _check_defaults(defaults: dict[str, dict[str, bool]]) -> None:
    """A tenant default names a defined notification and one of its channels, and never turns
    off a critical one (critical means every user gets it: the decisions ignore such a default
    anyway, so accepting it would only mislead the admin who set it)."""
    problems = []
    for notification_id, channels in defaults.items():
        definition = definitions().get(notification_id)
        field = f"defaults.{notification_id}"
        if definition is None:
            problems.append({"field": field, "message": "unknown notification"})
            continue
        for channel, on in channels.items():
            if Channel(channel) not in definition.channels:
                problems.append({"field": f"{field}.{channel}", "message": "not a channel of it"})
            elif definition.critical and not on:
                problems.append({"field": f"{field}.{channel}", "message": "critical: always on"})
    if problems:
        names = ", ".join(problem["field"] for problem in problems)
        raise InvalidArgument(f"Invalid defaults: {names}", fields=problems)


def _check_smtp_host(host: str) -> None:
    try:
        public_host(host)
    except ValueError as error:
        field = {"field": "smtp.host", "message": str(error)}
        raise InvalidArgument("Invalid smtp.host", fields=[field]) from error


def _keep_password(new: SmtpSettings, stored: SmtpSettings | None) -> SmtpSettings:
    """An ``smtp`` without ``password`` keeps the stored one (no admin has to know it to change
    the port), but only for the same host and username: the password is never handed to a
    server it was not given for. ``password: null`` clears it."""
    if "password" in new.model_fields_set or stored is None:
        return new
    if (new.host, new.username) != (stored.host, stored.username):
        return new
    return new.model_copy(update={"password": stored.password})
