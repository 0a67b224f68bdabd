"""Channel providers: email (SMTP), push (FCM), Slack and Teams webhooks.

Each provider sends one rendered message and raises :class:`DeliveryFailed` for a failure
worth retrying, or :class:`Undeliverable` for one no retry can fix (no token, no webhook).
"""

from __future__ import annotations


class DeliveryFailed(Exception):
    """The provider refused or could not be reached: retried with backoff."""


class Undeliverable(Exception):
    """Nothing to deliver to: the record is skipped with this reason (a SkipReason value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
