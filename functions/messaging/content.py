"""What a message may say: text limits, mentions, emoji, and the pluggable pre-send checks.

Pure functions (no Firestore): the send and edit commands call them before their transaction.
A product plugs its own check in with :func:`register_pre_send_check` (e.g. from its module's
import, or ``messaging.public``); each check returns a reason to refuse, or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from messaging.emoji import is_single_emoji
from shared.errors import InvalidArgument
from shared.types import shows_something

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_MENTION = re.compile(r"<@([A-Za-z0-9_-]{1,128})>")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def invalid(field: str, message: str, type: str = "validation/invalid") -> InvalidArgument:
    return InvalidArgument(message, type=type, fields=[{"field": field, "message": message}])


def clean_text(text: str, *, max_length: int, field: str = "text") -> str:
    """The text stripped; over ``max_length``, with control characters (other than newline
    and tab), or showing nothing (zero-width or blank characters only: an empty-looking
    message that still notifies and counts) it is refused naming ``field``."""
    text = text.strip()
    if len(text) > max_length:
        raise invalid(field, f"at most {max_length} characters")
    if _CONTROL.search(text):
        raise invalid(field, "control characters other than newline and tab are not allowed")
    if text and not shows_something(text):
        raise invalid(field, "shows nothing: only invisible or blank characters")
    return text


def mentions(text: str, participant_ids: Iterable[str]) -> list[str]:
    """The ``<@userId>`` mentions of ``text`` that name a participant, in order, once each."""
    allowed = set(participant_ids)
    return [uid for uid in dict.fromkeys(_MENTION.findall(text)) if uid in allowed]


def check_emoji(emoji: str) -> str:
    """``emoji`` if it is exactly one emoji (``messaging.emoji``: sequences with joiners, skin
    tones, flags or keycaps count as one); anything else is refused naming ``emoji``."""
    if not is_single_emoji(emoji):
        raise invalid("emoji", "not a single emoji")
    return emoji


@dataclass(frozen=True)
class Draft:
    """What a pre-send check sees."""

    tenant_id: str
    conversation_id: str
    sender_id: str
    text: str


PreSendCheck = Callable[[Draft], str | None]
_checks: list[PreSendCheck] = []


def register_pre_send_check(check: PreSendCheck) -> None:
    """Add a check every send and edit runs; returning a reason refuses the message."""
    if check not in _checks:
        _checks.append(check)


def run_pre_send_checks(draft: Draft, denied_hosts: Iterable[str]) -> None:
    """The declared URL deny-list, then every registered check; the first refusal is
    ``invalid-argument`` on ``text`` (``messaging/content-refused``) with its reason."""
    for reason in (denied_link(draft.text, denied_hosts), *(check(draft) for check in _checks)):
        if reason:
            raise invalid("text", reason, type="messaging/content-refused")


def denied_link(text: str, denied_hosts: Iterable[str]) -> str | None:
    """A reason when ``text`` links to a denied host (or a subdomain of one)."""
    hosts = [h.lower().strip(".") for h in denied_hosts]
    if not hosts:
        return None
    for url in _URL.findall(text):
        host = (urlsplit(url).hostname or "").lower()
        if any(host == h or host.endswith("." + h) for h in hosts):
            return f"links to {host} are not allowed"
    return None
