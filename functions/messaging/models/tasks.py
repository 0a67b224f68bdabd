"""Payloads of the messaging service's task queues."""

from shared.models import Model


class RecountTask(Model):
    """``messagingRecountUnread``: recompute one user's unread total."""

    tenant_id: str
    user_id: str
