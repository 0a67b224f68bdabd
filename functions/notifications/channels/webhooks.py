"""Slack (Block Kit) and Microsoft Teams (an Adaptive Card through a Workflows webhook).

The title and body are rendered from templates that carry user text (a message's excerpt, a
display name), so neither may be read as markup: for Slack, ``&``, ``<`` and ``>`` are escaped
as Slack documents wherever text is parsed (the mrkdwn body and the fallback ``text``; a
``plain_text`` header is never parsed), so ``<!channel>`` or ``<http://evil|bank>`` show as
typed. For Teams, the card's text is a ``RichTextBlock`` of ``TextRun``s, which Adaptive Cards
never read as markdown (a ``TextBlock`` would turn ``[bank](http://evil)`` into a link).
"""

from __future__ import annotations

import http.client
import ssl
from typing import Any

from notifications.channels.destinations import (
    REFUSED,
    UNREACHABLE,
    Destination,
    Target,
    connect,
    failure,
    parse_url,
    resolve,
)


def slack_escape(text: str) -> str:
    """Slack's three control characters as entities; nothing else is encoded."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(title: str, body: str, link: str | None) -> dict[str, Any]:
    """A Block Kit message: a header, the body as (escaped) mrkdwn, a button to the link."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(body[:3000]) or " "}},
    ]
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Open"}, "url": link}
                ],
            }
        )
    return {"text": slack_escape(title), "blocks": blocks}


def teams_payload(title: str, body: str, link: str | None) -> dict[str, Any]:
    """What a Teams Workflows webhook takes: a message with one Adaptive Card attachment, its
    text in plain ``TextRun``s."""
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "RichTextBlock",
                "inlines": [
                    {"type": "TextRun", "text": title, "weight": "Bolder", "size": "Medium"}
                ],
            },
            {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": body}]},
        ],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def post(url: str, payload: dict[str, Any], *, allow_loopback: bool) -> None:
    """POST to a tenant's webhook: the URL parsed once, its host resolved once and every
    address public, the request sent to that address (see ``destinations``)."""
    try:
        target = parse_url(url, allow_loopback=allow_loopback)
    except ValueError as error:  # saved before today's rules
        raise failure(UNREACHABLE, "webhook", 0, error) from error
    destination = resolve(target.host, target.port, allow_loopback=allow_loopback)
    send(target, destination, payload)


class PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to a destination's checked addresses: ``http.client`` would look
    the name up again. TLS verifies ``destination.host`` against ``trust`` (None: the system's
    certificates)."""

    def __init__(
        self, target: Target, destination: Destination, trust: ssl.SSLContext | None, timeout: float
    ) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.target, self.destination, self.trust = target, destination, trust
        self.seconds = timeout

    def connect(self) -> None:
        sock = connect(self.destination, self.seconds)
        if self.target.scheme == "https":
            context = self.trust or ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self.destination.host)
        self.sock = sock


def send(
    target: Target,
    destination: Destination,
    payload: dict[str, Any],
    *,
    trust: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> None:
    """POST ``payload`` as JSON to ``target`` through a :class:`PinnedConnection`. No redirect
    is followed (one could lead anywhere), and no proxy or netrc from the environment is used:
    ``http.client`` does neither."""
    import json

    connection = PinnedConnection(target, destination, trust, timeout)
    authority = target.url.split("/", 3)[2]  # the host, and the port unless the default
    try:
        connection.request(
            "POST",
            target.path,
            body=json.dumps(payload).encode(),
            headers={"Host": authority, "Content-Type": "application/json"},
        )
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        raise failure(UNREACHABLE, destination.host, destination.port, error) from error
    finally:
        connection.close()
    if status >= 300:
        raise failure(REFUSED, destination.host, destination.port, f"answered {status}")
