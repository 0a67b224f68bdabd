"""Slack (Block Kit) and Microsoft Teams (an Adaptive Card through a Workflows webhook).

The title and body are rendered from templates that carry user text (a message's excerpt, a
display name), so neither may be read as markup: for Slack, ``&``, ``<`` and ``>`` are escaped
as Slack documents wherever text is parsed (the mrkdwn body and the fallback ``text``; a
``plain_text`` header is never parsed), so ``<!channel>`` or ``<http://evil|bank>`` show as
typed. For Teams, the card's text is a ``RichTextBlock`` of ``TextRun``s, which Adaptive Cards
never read as markdown (a ``TextBlock`` would turn ``[bank](http://evil)`` into a link).
"""

from __future__ import annotations

from typing import Any

from notifications.channels import DeliveryFailed
from notifications.channels.destinations import require_public_host


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
    """POST to a tenant's webhook: a public host only, and no redirect followed (a redirect
    could lead anywhere, internal hosts included)."""
    from urllib.parse import urlsplit

    import requests

    parts = urlsplit(url)
    if parts.scheme != "https" and not allow_loopback:  # one saved before https was required
        raise DeliveryFailed("webhook: not an https URL")
    require_public_host(parts.hostname or "", allow_loopback=allow_loopback)
    try:
        response = requests.post(url, json=payload, timeout=10, allow_redirects=False)
    except requests.RequestException as error:
        raise DeliveryFailed(f"webhook: {type(error).__name__}") from error
    if response.status_code >= 300:
        raise DeliveryFailed(f"webhook answered {response.status_code}")
