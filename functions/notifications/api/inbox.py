"""Callables of the caller's own in-app notifications: mark viewed, archive."""

from __future__ import annotations

from notifications import inbox
from notifications.models.inbox import Archive, BadgeAnswer, MarkViewed
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.errors import InvalidArgument
from shared.unit_of_work import in_transaction


@on_call()
@callable_endpoint(MarkViewed, permission=None)
def notifications_mark_viewed(ctx: AuthContext, req: MarkViewed) -> BadgeAnswer:
    """``notificationIds`` or ``all: true`` (exactly one); answers the badge's ``unreadCount``."""
    tenant_id = ctx.tenant(req.tenant_id)
    if (req.notification_ids is None) == (req.all is not True):
        field = "all" if req.notification_ids is not None else "notificationIds"
        raise InvalidArgument(
            "Name notificationIds or all: true, not both",
            fields=[{"field": field, "message": "give notificationIds or all: true"}],
        )
    if req.all:
        count, changed = inbox.mark_all_viewed(tenant_id, ctx.uid)
    else:
        ids = req.notification_ids or []
        count, changed = in_transaction(lambda uow: inbox.mark_viewed(uow, tenant_id, ctx.uid, ids))
    return BadgeAnswer(unread_count=count, changed=changed)


@on_call()
@callable_endpoint(Archive, permission=None)
def notifications_archive(ctx: AuthContext, req: Archive) -> BadgeAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    count, changed = in_transaction(
        lambda uow: inbox.archive(uow, tenant_id, ctx.uid, req.notification_ids)
    )
    return BadgeAnswer(unread_count=count, changed=changed)
