"""Sending one delivery record's message: render its templates and hand it to its channel.

:func:`send` raises ``Undeliverable`` (nothing to deliver to: skipped), ``RenderError`` (the
template: failed, not retried), ``DeliveryFailed`` (the provider: retried) or anything else
(also retried, see ``delivery.py``); returning means the provider took the message.

What a tenant admin runs is trusted only as far as the definition says: the tenant's SMTP
server carries a notification only where it declares ``tenantMailServer`` (never a credential:
an action link or invitation token through the admin's server is an account takeover), and
then only of content the whole tenant may read (``sharedWithTenant``: a private conversation's
mention goes through the platform's server); a tenant-wide channel gets a notice rendered
without the request's data or link.
"""

from __future__ import annotations

from typing import Any

from notifications import budgets, context, decisions, freshness
from notifications import repositories as repos
from notifications.channels import Undeliverable
from notifications.config import config
from notifications.definitions import TENANT_CHANNELS, Channel, definition, definitions
from notifications.models.deliveries import DeliveryRecord, DispatchRequest
from notifications.templates import render
from shared.settings import get_settings


def send(record: DeliveryRecord) -> None:
    """Render the record's message and hand it to its channel's provider."""
    from notifications.dispatch import recipient_facts

    stored = repos.requests(record.tenant_id).get(record.request_id)
    found = definition(record.notification_id)
    if stored is None or found is None:
        raise Undeliverable("no-request")
    request = stored.request
    brand = context.branding(record.tenant_id)
    recipient = _recipient(record, request)
    person = context.Person(email=record.recipient_email, locale=record.locale)
    if recipient is not None and record.recipient_id is not None:
        facts, person, _ = recipient_facts(record.tenant_id, recipient, record.notification_id)
        if not facts.exists or facts.disabled:
            raise Undeliverable(
                decisions.SkipReason.NO_USER
                if not facts.exists
                else decisions.SkipReason.DEACTIVATED
            )
    channel = record.channel
    if channel in TENANT_CHANNELS:  # everyone in the tenant's workspace reads it: no content
        request, person = notice_of(request), context.Person()
    template = found.channels[channel].template
    parts = render(
        template,
        channel,
        person.locale,
        context.template_context(request, brand, person),
        default_locale=definitions().default_locale,
    )
    link = context.link_for(request, brand)
    if channel is Channel.EMAIL:
        if not freshness.is_current(found.current, request):
            raise Undeliverable(decisions.SkipReason.SUPERSEDED)
        budgets.take_email(record, person.email or record.recipient_email)
        # The tenant's server (its admin reads it) carries what the definition allows, and
        # only of content the whole tenant may read: never a credential, never a private chat.
        tenant_server = found.tenant_mail_server and request.shared_with_tenant
        _send_email(record, parts, person, brand, tenant_server=tenant_server)
    elif channel is Channel.PUSH:
        _send_push(record, parts, link)
    elif channel in (Channel.SLACK, Channel.TEAMS):
        _send_webhook(record, parts, link)
    else:  # in-app is written by the dispatcher; a stray task has nothing to do
        raise Undeliverable("in-app")


def notice_of(request: DispatchRequest) -> DispatchRequest:
    """The request as a tenant-wide channel may see it: no data (sender, text, conversation)
    and no link into it; a template that reaches for data fails to render, never leaks."""
    return request.model_copy(update={"data": {}, "link": None, "link_path": None})


def _recipient(record: DeliveryRecord, request: Any) -> Any:
    for recipient in request.recipients:
        if recipient.user_id == record.recipient_id and (
            record.recipient_id is not None or recipient.email == record.recipient_email
        ):
            return recipient
    return None


def _send_email(
    record: DeliveryRecord,
    parts: dict[str, str],
    person: context.Person,
    brand: context.Branding,
    *,
    tenant_server: bool,
) -> None:
    """Through the platform's server, or the tenant's where the definition allows it."""
    from notifications.channels.destinations import Destination, resolve
    from notifications.channels.email import Email, SmtpProvider

    address = person.email or record.recipient_email
    if not address:
        raise Undeliverable(decisions.SkipReason.NO_ADDRESS)
    settings = config()
    platform = Destination.platform(settings.smtp_host, settings.smtp_port)
    provider = SmtpProvider(platform, settings.sender)
    if record.tenant_id is not None and tenant_server:
        channels = repos.tenant_channels(record.tenant_id).get(repos.CHANNEL_SETTINGS)
        if channels is not None and channels.smtp is not None:
            smtp = channels.smtp
            checked = resolve(smtp.host, smtp.port, allow_loopback=get_settings().uses_emulators)
            provider = SmtpProvider(
                checked, smtp.sender, smtp.username, smtp.password, smtp.starttls
            )
    provider.send(
        Email(
            to=address,
            subject=parts["subject"],
            text=parts["text"],
            html=parts["html"],
            message_id=record.id,
            sender_name=brand.name,
        )
    )


def _send_push(record: DeliveryRecord, parts: dict[str, str], link: str) -> None:
    from notifications import devices
    from notifications.channels import push

    if record.tenant_id is None or record.recipient_id is None:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)
    tokens = devices.tokens_of(record.tenant_id, record.recipient_id)
    if not tokens:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)
    result = push.send(
        tokens,
        parts["title"],
        parts["body"],
        {"link": link, "notificationId": record.notification_id, "deliveryId": record.id},
    )
    if result.invalid_tokens:
        devices.forget(record.tenant_id, result.invalid_tokens)
    if not result.sent:
        raise Undeliverable(decisions.SkipReason.NO_TOKEN)


def _send_webhook(record: DeliveryRecord, parts: dict[str, str], link: str) -> None:
    from notifications.channels import webhooks

    channels = (
        repos.tenant_channels(record.tenant_id).get(repos.CHANNEL_SETTINGS)
        if record.tenant_id
        else None
    )
    if record.channel is Channel.SLACK:
        url = channels.slack_webhook_url if channels else None
        payload = webhooks.slack_payload(parts["title"], parts["body"], link)
    else:
        url = channels.teams_webhook_url if channels else None
        payload = webhooks.teams_payload(parts["title"], parts["body"], link)
    if not url:
        raise Undeliverable(decisions.SkipReason.NO_WEBHOOK)
    webhooks.post(url, payload, allow_loopback=get_settings().uses_emulators)
