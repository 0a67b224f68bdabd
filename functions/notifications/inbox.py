"""In-app notifications and their badge: add, mark viewed, archive.

The badge (``notificationBadges/{uid}.unreadCount``) counts the user's notifications that are
neither seen nor archived. It is exact because every change of a notification's ``seen`` or
``archived`` happens in the same unit of work as the badge's change, by the number of
notifications that actually changed (read in the unit): a repeat changes nothing, and a
notification that arrives while "mark all viewed" runs stays counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from notifications import repositories as repos
from notifications.models.inbox import Badge, InAppNotification
from shared.errors import InvalidArgument
from shared.repository import where
from shared.unit_of_work import UnitOfWork, in_transaction

CHUNK = 200
"""Notifications changed in one unit of ``mark all viewed``."""


def read_badge(uow: UnitOfWork, tenant_id: str, user_id: str) -> Badge:
    """The user's badge, read in the unit (before any write: a transaction reads first)."""
    return uow.bind(repos.badges(tenant_id)).get(user_id) or Badge(id=user_id)


def add(
    uow: UnitOfWork, tenant_id: str, user_id: str, notification: InAppNotification, badge: Badge
) -> int:
    """Store a new notification and count it on ``badge`` (read by :func:`read_badge` before
    the unit's first write); answers the new count."""
    uow.bind(repos.inbox(tenant_id, user_id)).create(notification)
    count = badge.unread_count + 1
    uow.bind(repos.badges(tenant_id)).set(badge.model_copy(update={"unread_count": count}))
    return count


def mark_viewed(
    uow: UnitOfWork, tenant_id: str, user_id: str, ids: Iterable[str]
) -> tuple[int, int]:
    """Mark ``ids`` seen; ``InvalidArgument`` naming ``notificationIds`` when one is unknown.
    Answers (badge count, how many changed)."""
    return _change(uow, tenant_id, user_id, list(ids), "seen")


def archive(uow: UnitOfWork, tenant_id: str, user_id: str, ids: Iterable[str]) -> tuple[int, int]:
    """Archive ``ids`` (an unseen one leaves the badge); unknown ids as in :func:`mark_viewed`."""
    return _change(uow, tenant_id, user_id, list(ids), "archived")


def _change(
    uow: UnitOfWork, tenant_id: str, user_id: str, ids: list[str], field: str
) -> tuple[int, int]:
    inbox = uow.bind(repos.inbox(tenant_id, user_id))
    badges = uow.bind(repos.badges(tenant_id))
    found = inbox.get_many(ids)
    unknown = [i for i in dict.fromkeys(ids) if i not in found]
    if unknown:
        raise InvalidArgument(
            "Unknown notification ids",
            fields=[{"field": "notificationIds", "message": f"unknown: {', '.join(unknown[:5])}"}],
        )
    badge = badges.get(user_id) or Badge(id=user_id)
    changed, leaving = 0, 0
    now = datetime.now(UTC)
    for notification in found.values():
        if getattr(notification, field):
            continue
        changed += 1
        if not notification.seen and not notification.archived:
            leaving += 1
        update: dict[str, object] = {field: True}
        if field == "seen":
            update["seen_at"] = now
        inbox.update(notification.id, update)
    count = max(0, badge.unread_count - leaving)
    if leaving:
        badges.set(badge.model_copy(update={"unread_count": count}))
    return count, changed


def mark_all_viewed(tenant_id: str, user_id: str) -> tuple[int, int]:
    """Mark every unseen notification seen, a chunk per transaction (a user may have many).
    Answers (badge count, how many changed)."""
    repo = repos.inbox(tenant_id, user_id)
    total = 0
    count = badge_count(tenant_id, user_id)
    while True:
        page = repo.query(where("seen", "==", False), limit=CHUNK)
        ids = [n.id for n in page.items]
        if not ids:
            return count, total
        count, changed = in_transaction(
            lambda uow, ids=ids: _change(uow, tenant_id, user_id, ids, "seen")  # type: ignore[misc]
        )
        total += changed
        if page.next_cursor is None:
            return count, total


def badge_count(tenant_id: str, user_id: str) -> int:
    badge = repos.badges(tenant_id).get(user_id)
    return badge.unread_count if badge else 0
