"""Slack (Block Kit) and Microsoft Teams (an Adaptive Card through a Workflows webhook)."""

from __future__ import annotations

from typing import Any

from notifications.channels import DeliveryFailed


def slack_payload(title: str, body: str, link: str | None) -> dict[str, Any]:
    """A Block Kit message: a header, the body as mrkdwn, a button to the link."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": body[:3000] or " "}},
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
    return {"text": title, "blocks": blocks}


def teams_payload(title: str, body: str, link: str | None) -> dict[str, Any]:
    """What a Teams Workflows webhook takes: a message with one Adaptive Card attachment."""
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": body, "wrap": True},
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


def post(url: str, payload: dict[str, Any]) -> None:
    import requests

    try:
        response = requests.post(url, json=payload, timeout=10)
    except requests.RequestException as error:
        raise DeliveryFailed(f"webhook: {type(error).__name__}") from error
    if response.status_code >= 300:
        raise DeliveryFailed(f"webhook answered {response.status_code}")
