"""What other services may call in the messaging service (its "server API").

- :func:`post_system_message`: a message from the system into a conversation (e.g. "the
  order shipped"), counted unread for every participant like any other message.
- :func:`request_unread_recount`: queue the repair of one user's ``unreadTotals`` from their
  conversations (deduplicated per user and minute).
- :func:`register_pre_send_check`: plug a check into every send and edit (e.g. a URL
  deny-list); a check returns a reason to refuse, or None.
"""

from __future__ import annotations

import uuid
from typing import Any

from messaging.content import Draft, PreSendCheck, register_pre_send_check

__all__ = [
    "Draft",
    "PreSendCheck",
    "post_system_message",
    "register_pre_send_check",
    "request_unread_recount",
]


def post_system_message(
    tenant_id: str,
    conversation_id: str,
    text: str,
    *,
    data: dict[str, Any] | None = None,
    message_id: str | None = None,
) -> str:
    """Post ``text`` as a system message and return its id. Pass ``message_id`` derived from
    the cause (an event id) to make a repeat a no-op: an existing id is answered, not resent.
    ``not-found`` for an unknown conversation, ``failed-precondition`` for a closed one."""
    from messaging import messages
    from messaging import repositories as repos
    from messaging.content import clean_text
    from messaging.models.config import messaging_config
    from shared.unit_of_work import UnitOfWork, in_transaction

    text = clean_text(text, max_length=messaging_config().max_text_length)
    new_id = message_id or uuid.uuid4().hex[:20]

    def work(uow: UnitOfWork) -> str:
        existing = repos.messages(tenant_id, conversation_id)
        if message_id is not None and uow.bind(existing).get(message_id) is not None:
            return message_id
        return messages.post_system_message(
            uow, tenant_id, conversation_id, text=text, data=data or {}, new_id=new_id
        ).id

    return in_transaction(work)


def request_unread_recount(tenant_id: str, user_id: str) -> str | None:
    """Queue ``messagingRecountUnread`` for the user; the task id is per user and minute, so a
    burst of requests queues one recount. The queued task id, or None when already queued."""
    import time

    from messaging.models.tasks import RecountTask
    from shared.tasks import enqueue

    minute = int(time.time() // 60)
    return enqueue(
        "messagingRecountUnread",
        RecountTask(tenant_id=tenant_id, user_id=user_id),
        task_id=f"recount-{tenant_id}-{user_id}-{minute}",
    )
