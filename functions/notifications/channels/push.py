"""Push through FCM (``firebase_admin.messaging``), at most 500 tokens a multicast.

Tokens FCM reports unregistered or invalid are removed from the registry as the answer comes
back. Locally (``NOTIFICATIONS_FCM_ENDPOINT``) the Admin SDK's messaging service is pointed at
the stack's recording HTTP server: the SDK keeps its send URL in ``_fcm_url`` (read in
firebase-admin's ``messaging._MessagingService``), the one attribute set here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from notifications.channels import DeliveryFailed

MULTICAST_LIMIT = 500


@dataclass(frozen=True)
class PushResult:
    sent: int
    invalid_tokens: list[str]


def _service() -> object:
    from firebase_admin import messaging

    from notifications.config import config
    from shared.clients import admin_app

    app = admin_app()
    service = messaging._get_messaging_service(app)
    endpoint = config().fcm_endpoint
    if endpoint:
        service._fcm_url = f"{endpoint.rstrip('/')}/v1/projects/{app.project_id}/messages:send"
    return service


def send(tokens: Sequence[str], title: str, body: str, data: dict[str, str]) -> PushResult:
    """Send to every token (chunks of 500); raises :class:`DeliveryFailed` when no token got
    the message for a reason other than the token itself."""
    from firebase_admin import exceptions, messaging

    from shared.clients import admin_app

    _service()
    sent, invalid, failures = 0, [], []
    for start in range(0, len(tokens), MULTICAST_LIMIT):
        chunk = list(tokens[start : start + MULTICAST_LIMIT])
        message = messaging.MulticastMessage(
            tokens=chunk,
            notification=messaging.Notification(title=title, body=body),
            data=data,
        )
        answer = messaging.send_each_for_multicast(message, app=admin_app())
        for token, response in zip(chunk, answer.responses, strict=True):
            if response.success:
                sent += 1
            elif isinstance(
                response.exception, (messaging.UnregisteredError, exceptions.InvalidArgumentError)
            ):
                invalid.append(token)
            else:
                failures.append(str(response.exception))
    if not sent and failures:
        raise DeliveryFailed(f"fcm: {failures[0]}")
    return PushResult(sent=sent, invalid_tokens=invalid)
