"""The notification definitions of ``static/notifications.yaml``, validated at load.

A definition says which channels a notification uses (each on or off by default, with its
template), how often one entity may notify one user on one channel, whether users may opt out,
whether it is critical, and optionally a digest and follow-up nudges. Loading also checks that
every template a channel names exists in the default locale, so a missing file fails the first
load, naming it, instead of the first delivery.

It also says how far a tenant's own channels are trusted with it, because a tenant admin runs
them and is not trusted with their users' accounts or private conversations: whether the
tenant's SMTP server may carry it (``tenantMailServer``, default no: a password-reset or
invitation link through a server the admin runs is an account takeover), whether a tenant-wide
channel (Slack, Teams) may carry a content-free notice of it (``tenantChannels``, default
``none``), and how many emails one address may get of it per window (``emailBudget``).
"""

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from shared.models import Model
from shared.static_config import load_static

FILE = "notifications.yaml"
NOTIFICATION_ID = r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"


class Channel(StrEnum):
    """The channels a notification may use (wire values match the user's preferences)."""

    EMAIL = "email"
    PUSH = "push"
    IN_APP = "inApp"
    SLACK = "slack"
    TEAMS = "teams"


PARTS: dict[Channel, tuple[str, ...]] = {
    Channel.EMAIL: ("subject", "text", "html"),
    Channel.PUSH: ("title", "body"),
    Channel.IN_APP: ("title", "body"),
    Channel.SLACK: ("title", "body"),
    Channel.TEAMS: ("title", "body"),
}
"""The template parts each channel renders."""

TENANT_CHANNELS = frozenset({Channel.SLACK, Channel.TEAMS})
"""Channels addressed to the tenant (its webhook), once per request, not once per user."""


class TenantChannels(StrEnum):
    """What a tenant-wide channel (Slack, Teams: read by everyone in the tenant's workspace) may
    carry of a notification."""

    NONE = "none"
    NOTICE = "notice"
    """A notice rendered without the request's data or link (no sender, no text, no
    conversation), and only of a request whose content everyone in the tenant may read."""


class EmailBudget(Model):
    """At most ``limit`` emails of one notification to one address per ``window_seconds``
    (per tenant; the platform's own mail counts apart)."""

    limit: int = Field(ge=1, le=1000)
    window_seconds: int = Field(ge=1, le=7 * 86_400)


DEFAULT_EMAIL_BUDGET = EmailBudget(limit=10, window_seconds=3600)


class ChannelDefinition(Model):
    enabled: bool = Field(description="Whether the channel is on by default.")
    template: str = Field(pattern=r"^[a-z0-9_]+$", description="Folder under static/templates.")


class Digest(Model):
    """Collect requests by ``data[key]`` over ``window_seconds``, then send one message."""

    key: str = Field(min_length=1, description="The data field that names the bucket.")
    window_seconds: int = Field(ge=1, le=86_400)


class Nudge(Model):
    """A follow-up ``delay_seconds`` later on ``channel``, sent only if ``condition`` holds
    when it fires (conditions are named in ``notifications.nudges``)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    delay_seconds: int = Field(ge=1, le=7 * 86_400)
    condition: str
    channel: Channel


class Definition(Model):
    description: str = ""
    opt_out: bool = Field(default=True, description="Whether users may turn channels off.")
    critical: bool = Field(default=False, description="Ignores quiet hours and opt-outs.")
    min_interval_seconds: int = Field(default=60, ge=0, le=7 * 86_400)
    channels: dict[Channel, ChannelDefinition] = Field(min_length=1)
    digest: Digest | None = None
    nudges: list[Nudge] = Field(default_factory=list, max_length=5)
    tenant_mail_server: bool = Field(
        default=False,
        description="Whether the tenant's own SMTP server may carry it. Never for a message "
        "holding a credential (an action link, an invitation token): whoever runs the server "
        "reads it.",
    )
    tenant_channels: TenantChannels = Field(
        default=TenantChannels.NONE,
        description="What a tenant-wide channel (Slack, Teams) may carry of it.",
    )
    email_budget: EmailBudget | None = Field(
        default=None, description="Emails per address and window; None: the file's default."
    )
    current: str | None = Field(
        default=None,
        description="A check (named in ``notifications.freshness``) that the request is still "
        "current when its email goes out; a stale one is skipped ``superseded``.",
    )

    @model_validator(mode="after")
    def _nudges_use_declared_channels(self) -> Self:
        for nudge in self.nudges:
            if nudge.channel not in self.channels:
                raise ValueError(f"nudge {nudge.id} uses undeclared channel {nudge.channel}")
        return self

    @model_validator(mode="after")
    def _tenant_channels_declared(self) -> Self:
        declared = TENANT_CHANNELS & set(self.channels)
        if declared and self.tenant_channels is TenantChannels.NONE:
            names = ", ".join(sorted(declared))
            raise ValueError(f"declares {names} but tenantChannels is none")
        return self


class Definitions(Model):
    default_locale: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    email_budget: EmailBudget = Field(
        default=DEFAULT_EMAIL_BUDGET, description="Per address, for a definition naming none."
    )
    notifications: dict[str, Definition]

    @model_validator(mode="after")
    def _check(self) -> Self:
        import re

        from notifications.templates import missing_templates

        for notification_id in self.notifications:
            if not re.fullmatch(NOTIFICATION_ID, notification_id) or len(notification_id) > 100:
                raise ValueError(f"bad notification id {notification_id!r}")
        from notifications.freshness import CHECKS

        for notification_id, found in self.notifications.items():
            if found.current is not None and found.current not in CHECKS:
                raise ValueError(f"{notification_id}: unknown current check {found.current!r}")
        missing = missing_templates(self)
        if missing:
            raise ValueError(f"missing templates: {', '.join(missing)}")
        return self

    def get(self, notification_id: str) -> Definition | None:
        return self.notifications.get(notification_id)

    def budget_of(self, notification_id: str) -> EmailBudget:
        found = self.notifications.get(notification_id)
        return found.email_budget if found and found.email_budget else self.email_budget


def definitions() -> Definitions:
    """The validated definitions, read once per process."""
    return load_static(FILE, Definitions)


def definition(notification_id: str) -> Definition | None:
    return definitions().get(notification_id)
