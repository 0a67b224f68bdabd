"""Callables of settings: the caller's quiet hours; the tenant's channels (admins); resend."""

from __future__ import annotations

from typing import Any

from notifications import delivery, settings
from notifications.models.settings import ResendDelivery, UpdateSettings, UpdateTenantChannels
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call


@on_call()
@callable_endpoint(UpdateSettings, permission=None)
def notifications_update_settings(ctx: AuthContext, req: UpdateSettings) -> dict[str, Any]:
    """Set (or clear, with ``null``) the caller's quiet hours."""
    stored = settings.update_user_settings(ctx.tenant(req.tenant_id), ctx.uid, req)
    return {"settings": stored.model_dump(by_alias=True, mode="json", include={"quiet_hours"})}


@on_call()
@callable_endpoint(UpdateTenantChannels, permission="notifications.settings.manage")
def notifications_update_tenant_settings(
    ctx: AuthContext, req: UpdateTenantChannels
) -> dict[str, Any]:
    """The tenant's defaults, SMTP server and webhooks; the answer never carries the SMTP
    password."""
    stored = settings.update_tenant_channels(ctx.tenant(req.tenant_id), req)
    return {"settings": stored.public()}


@on_call()
@callable_endpoint(ResendDelivery, permission="notifications.deliveries.resend")
def notifications_resend(ctx: AuthContext, req: ResendDelivery) -> dict[str, Any]:
    """Start a dead delivery again; ``failed-precondition`` for one that is not dead."""
    record = delivery.resend(ctx.tenant(req.tenant_id), req.delivery_id)
    return {"deliveryId": record.id, "state": record.state.value}
