"""What other services may call in the notifications service (its "server API").

Services usually reach notifications through their own domain events (see
``notifications.sources``); where no event fits, they queue a request here.
"""

from __future__ import annotations

from typing import Any


def request_notification(
    notification_id: str,
    *,
    tenant_id: str | None,
    user_ids: list[str] | None = None,
    emails: list[str] | None = None,
    data: dict[str, Any] | None = None,
    idempotency_key: str,
    entity_id: str | None = None,
    link_path: str | None = None,
) -> None:
    """Queue a dispatch of ``notification_id`` (``static/notifications.yaml``) to users and/or
    addresses. The same ``idempotency_key`` twice sends nothing twice."""
    from notifications.models.deliveries import DispatchRequest, Recipient
    from notifications.records import request_id
    from shared.tasks import enqueue

    recipients = [Recipient(user_id=u) for u in user_ids or []]
    recipients += [Recipient(email=e) for e in emails or []]
    request = DispatchRequest(
        notification_id=notification_id,
        tenant_id=tenant_id,
        recipients=recipients,
        data=data or {},
        idempotency_key=idempotency_key,
        entity_id=entity_id,
        link_path=link_path,
    )
    enqueue("notificationsDispatch", request, task_id="q" + request_id(tenant_id, idempotency_key))


__all__ = ["request_notification"]
