"""Who gets what, on which channel: the decision rules, as pure functions.

Order of say, lowest first: the platform's definition (``static/notifications.yaml``), the
tenant's defaults, the user's own preferences (owned by the user service). A user's ``false``
counts only where the definition lets users opt out and the notification is not critical.
Then the circumstances: a deactivated or unknown user gets nothing; quiet hours (the user's,
in their time zone) hold back the interruptive channels (email, push, Slack, Teams; in-app is
silent) unless the notification is critical; and one entity notifies one user on one channel
at most once per ``min_interval_seconds`` (the threshold). Every channel ends with a
:class:`Verdict`: send, or skip with the reason an admin will read on the delivery record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from notifications.definitions import TENANT_CHANNELS, Channel, Definition, TenantChannels

ChannelChoices = Mapping[str, bool]
"""``{channel: on}`` for one notification (wire channel names: ``email``, ``inApp``...)."""


class SkipReason(StrEnum):
    NO_USER = "no-user"
    DEACTIVATED = "deactivated"
    OFF = "off"  # the channel is off by default (or by the tenant) and nobody turned it on
    OPTED_OUT = "opted-out"
    QUIET_HOURS = "quiet-hours"
    THRESHOLD = "threshold"
    NO_ADDRESS = "no-address"  # no email address to write to
    NO_TOKEN = "no-token"  # no device token registered (decided at delivery)
    NO_WEBHOOK = "no-webhook"  # the tenant has no Slack/Teams webhook (decided at delivery)
    CONDITION = "condition"  # a nudge whose condition no longer holds
    DIGESTED = "digested"  # collected into a digest: the digest is sent instead
    PRIVATE = "private"  # a tenant-wide channel, and the content is not the whole tenant's
    BUDGET = "budget"  # the address had its emails of this notification for the window
    SUPERSEDED = "superseded"  # stale when it was to go out (a re-invitation replaced it)


@dataclass(frozen=True)
class Verdict:
    send: bool
    reason: SkipReason | None = None


SEND = Verdict(True)


def skip(reason: SkipReason) -> Verdict:
    return Verdict(False, reason)


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` (local wall-clock times; may cross midnight) in ``time_zone``."""

    start: time
    end: time
    time_zone: str = "UTC"

    def contains(self, instant: datetime) -> bool:
        from zoneinfo import ZoneInfo

        local = instant.astimezone(ZoneInfo(self.time_zone)).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class Recipient:
    """What the rules need to know of one recipient."""

    user_id: str | None
    email: str | None = None
    exists: bool = True
    disabled: bool = False
    quiet_hours: QuietHours | None = None


QUIET_CHANNELS = frozenset({Channel.EMAIL, Channel.PUSH, Channel.SLACK, Channel.TEAMS})


def channel_wanted(
    definition: Definition,
    channel: Channel,
    tenant_defaults: ChannelChoices,
    user_choices: ChannelChoices,
) -> Verdict:
    """The channel's on/off after the three layers (before circumstances)."""
    on = definition.channels[channel].enabled
    tenant_choice = tenant_defaults.get(channel.value)
    if tenant_choice is not None and (tenant_choice or not definition.critical):
        on = tenant_choice  # a tenant may add channels to a critical notification, never remove
    user_may_choose = definition.opt_out and not definition.critical
    choice = user_choices.get(channel.value)
    if user_may_choose and choice is not None:
        if not choice:
            return skip(SkipReason.OPTED_OUT)
        return SEND
    return SEND if on else skip(SkipReason.OFF)


def within_threshold(definition: Definition, last_sent: datetime | None, now: datetime) -> bool:
    """True when a send at ``now`` would come too soon after ``last_sent``."""
    interval = definition.min_interval_seconds
    return bool(interval and last_sent and now - last_sent < timedelta(seconds=interval))


def decide(
    definition: Definition,
    recipient: Recipient,
    *,
    channels: list[Channel] | None = None,
    tenant_defaults: ChannelChoices | None = None,
    user_choices: ChannelChoices | None = None,
    last_sent: Mapping[Channel, datetime | None] | None = None,
    shared_with_tenant: bool = False,
    now: datetime,
) -> dict[Channel, Verdict]:
    """The verdict for each of ``channels`` (default: every channel of the definition).
    ``shared_with_tenant``: everyone in the tenant may read what the request is about."""
    wanted_channels = channels if channels is not None else list(definition.channels)
    tenant_defaults = tenant_defaults or {}
    user_choices = user_choices or {}
    last_sent = last_sent or {}
    verdicts: dict[Channel, Verdict] = {}
    for channel in wanted_channels:
        verdicts[channel] = _one(
            definition, channel, recipient, tenant_defaults, user_choices, last_sent, now
        )
        if channel in TENANT_CHANNELS and verdicts[channel].send:
            verdicts[channel] = tenant_channel_allowed(definition, shared_with_tenant)
    return verdicts


def tenant_channel_allowed(definition: Definition, shared_with_tenant: bool) -> Verdict:
    """A tenant-wide channel (everyone in the tenant's Slack or Teams reads it) carries a
    notice only where the definition allows one and the content is the whole tenant's: a
    direct or private conversation never reaches it, whatever the tenant admin turned on."""
    if definition.tenant_channels is TenantChannels.NOTICE and shared_with_tenant:
        return SEND
    return skip(SkipReason.PRIVATE)


def _one(
    definition: Definition,
    channel: Channel,
    recipient: Recipient,
    tenant_defaults: ChannelChoices,
    user_choices: ChannelChoices,
    last_sent: Mapping[Channel, datetime | None],
    now: datetime,
) -> Verdict:
    if not recipient.exists:
        return skip(SkipReason.NO_USER)
    if recipient.disabled:
        return skip(SkipReason.DEACTIVATED)
    verdict = channel_wanted(definition, channel, tenant_defaults, user_choices)
    if not verdict.send:
        return verdict
    if channel is Channel.EMAIL and not recipient.email:
        return skip(SkipReason.NO_ADDRESS)
    if (
        not definition.critical
        and channel in QUIET_CHANNELS
        and recipient.quiet_hours is not None
        and recipient.quiet_hours.contains(now)
    ):
        return skip(SkipReason.QUIET_HOURS)
    if within_threshold(definition, last_sent.get(channel), now):
        return skip(SkipReason.THRESHOLD)
    return SEND


def retry_delay(attempt: int, *, base_seconds: int, cap_seconds: int = 3600) -> int:
    """Exponential backoff before attempt ``attempt + 1`` (``attempt`` >= 1 failed so far)."""
    return int(min(cap_seconds, base_seconds * 2 ** (attempt - 1)))
