"""Callables of the push device-token registry (the caller's own devices)."""

from __future__ import annotations

from notifications import devices
from notifications.models.devices import OkAnswer, RegisterDeviceToken, UnregisterDeviceToken
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.errors import PermissionDenied


@on_call()
@callable_endpoint(RegisterDeviceToken, permission=None)
def notifications_register_device_token(ctx: AuthContext, req: RegisterDeviceToken) -> OkAnswer:
    if not ctx.roles and not ctx.platform_admin:  # not (or no longer) a user of the tenant
        raise PermissionDenied("A role in the tenant is needed", type="notifications/no-role")
    devices.register(ctx.tenant(req.tenant_id), ctx.uid, req.token, req.platform)
    return OkAnswer()


@on_call()
@callable_endpoint(UnregisterDeviceToken, permission=None)
def notifications_unregister_device_token(ctx: AuthContext, req: UnregisterDeviceToken) -> OkAnswer:
    devices.unregister(ctx.tenant(req.tenant_id), ctx.uid, req.token)
    return OkAnswer()
