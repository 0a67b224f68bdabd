"""Reading what the stack's provider stand-ins received (ops/sinks.py): the SMTP mailbox and
the recorded FCM/Slack/Teams requests."""

from __future__ import annotations

import email
import email.policy
import json
import os
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

from tests.support.emulators import eventually


def mailbox_dir() -> Path:
    return Path(os.environ.get("FOUNDATION_MAILBOX_DIR", ".local/mailbox"))


def mails(to: str | None = None) -> list[EmailMessage]:
    """Every message the SMTP server accepted (to ``to``, when given), oldest first."""
    found = []
    for path in sorted(mailbox_dir().glob("*.eml")):
        message = cast(
            EmailMessage, email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        )
        if to is None or to.lower() in str(message["To"]).lower():
            found.append(message)
    return found


def wait_for_mail(to: str, *, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
    """The messages to ``to`` once there are at least ``count``."""

    def arrived() -> list[EmailMessage] | None:
        found = mails(to)
        return found if len(found) >= count else None

    return eventually(arrived, timeout=timeout)


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no {subtype} part"
    return cast(str, part.get_content())


def requests_log() -> list[dict[str, Any]]:
    path = Path(os.environ.get("FOUNDATION_WEBHOOK_LOG", ".local/webhooks.jsonl"))
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for_request(
    predicate: Callable[[dict[str, Any]], bool], *, timeout: float = 30
) -> dict[str, Any]:
    return eventually(
        lambda: next((r for r in requests_log() if predicate(r)), None), timeout=timeout
    )


def sink_url(path: str) -> str:
    return f"http://127.0.0.1:{os.environ.get('FOUNDATION_SINK_PORT', '9980')}{path}"
