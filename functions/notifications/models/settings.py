"""Per-user notification settings (quiet hours) and per-tenant channel settings."""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from shared.models import Document, Model, RequestModel
from shared.types import Id, NotReserved

ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
"""``HH:MM`` on a 24-hour clock."""


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError("not an IANA time zone") from error
    return value


class QuietHoursSetting(Model):
    start: ClockTime
    end: ClockTime
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _time_zone(value)


class UserSettings(Document):
    """``tenants/{t}/notificationSettings/{uid}`` (closed to clients): quiet hours."""

    quiet_hours: QuietHoursSetting | None = None


def public_host(host: str) -> str:
    """A plain host name or a canonical public IP literal, in lower case (``ValueError``
    otherwise: a numeric spelling such as ``2852039166`` or ``127.1``, a trailing dot). Names
    are resolved and checked again before each send (``notifications.channels.destinations``)."""
    from notifications.channels.destinations import canonical_host
    from shared.settings import get_settings

    return canonical_host(host, allow_loopback=get_settings().uses_emulators)


class SmtpSettings(Model):
    """A tenant's own SMTP server and sender; the password is never answered to clients."""

    host: Annotated[
        str, StringConstraints(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.-]+$")
    ]
    port: int = Field(ge=1, le=65535)
    sender: Annotated[
        str, StringConstraints(min_length=3, max_length=320, pattern=r"^[^\s<>]+@[^\s<>]+$")
    ]
    username: Annotated[str, StringConstraints(max_length=320)] | None = None
    password: Annotated[str, StringConstraints(max_length=1024)] | None = Field(
        default=None,
        description="Left out of an update: the stored one is kept (same host and username); "
        "null: cleared.",
    )
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")


def _webhook_url(value: str) -> str:
    """https only: the URL is a credential and the message may be private. Plain http only to
    this machine, and only under the emulators (the stack's recording server). Parsed by the
    parser the send uses (``destinations.parse_url``), and stored as it rebuilt it."""
    from notifications.channels.destinations import parse_url
    from shared.settings import get_settings

    return parse_url(value, allow_loopback=get_settings().uses_emulators).url


WebhookUrl = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=r"^https?://[^\s]+$"),
    AfterValidator(_webhook_url),
]
ChannelKey = Annotated[str, StringConstraints(pattern=r"^(email|push|inApp|slack|teams)$")]
NotificationKey = Annotated[
    str, StringConstraints(max_length=100, pattern=r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"), NotReserved
]
"""A notification id as a map key (a Firestore field name: never ``__x__``)."""


class TenantChannels(Document):
    """``tenants/{t}/notificationChannels/settings`` (closed to clients): the tenant's defaults
    per notification and channel, its SMTP server, its Slack and Teams webhooks."""

    defaults: dict[str, dict[str, bool]] = Field(default_factory=dict)
    smtp: SmtpSettings | None = None
    slack_webhook_url: str | None = None
    teams_webhook_url: str | None = None

    def public(self) -> dict[str, object]:
        """What admins see: no secret. Not the SMTP password (``hasPassword``), nor the webhook
        URLs, which are credentials (whoever has one posts to the channel):
        ``slackWebhookConfigured``, ``teamsWebhookConfigured``."""
        wire = self.model_dump(
            by_alias=True,
            mode="json",
            exclude={"id", "slack_webhook_url", "teams_webhook_url"},
            exclude_none=True,
        )
        if self.smtp is not None:
            wire["smtp"].pop("password", None)
            wire["smtp"]["hasPassword"] = self.smtp.password is not None
        wire["slackWebhookConfigured"] = bool(self.slack_webhook_url)
        wire["teamsWebhookConfigured"] = bool(self.teams_webhook_url)
        return wire


class UpdateSettings(RequestModel):
    quiet_hours: QuietHoursSetting | None = Field(description="null: no quiet hours.")
    tenant_id: Id | None = None


class UpdateTenantChannels(RequestModel):
    defaults: dict[NotificationKey, dict[ChannelKey, bool]] | None = Field(
        default=None, max_length=100
    )
    smtp: SmtpSettings | None = None
    slack_webhook_url: WebhookUrl | None = None
    teams_webhook_url: WebhookUrl | None = None
    tenant_id: Id | None = None


class ResendDelivery(RequestModel):
    delivery_id: Id
    tenant_id: Id | None = None
