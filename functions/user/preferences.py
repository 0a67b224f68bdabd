"""Notification preferences: per notification, per channel opt-in/out for one's own account.

One document, ``tenants/{t}/users/{uid}/preferences/notifications``, shaped
``{notificationId: {email, push, inApp, slack, teams}}``, which the notifications service reads
before it dispatches. An update merges: the channels named change, the others stay; ``null``
drops a choice (the notification's default applies again). Merged in a transaction, so two
devices changing different notifications at once both land.
"""

from __future__ import annotations

from shared.errors import InvalidArgument
from shared.unit_of_work import UnitOfWork
from user import repositories as repos
from user.models.profiles import ChannelChoices, NotificationPreferences
from user.models.requests import ChannelChoicesChange

MAX_NOTIFICATIONS = 200
"""Notifications with a choice, at most, in one user's preferences."""


def get_preferences(tenant_id: str, uid: str) -> NotificationPreferences:
    """The user's preferences (empty when they never chose anything)."""
    repo = repos.preferences(tenant_id, uid)
    found = repo.get(repos.NOTIFICATION_PREFERENCES)
    return found or NotificationPreferences(
        id=repos.NOTIFICATION_PREFERENCES, tenant_id=tenant_id, user_id=uid
    )


def update_preferences(
    uow: UnitOfWork, tenant_id: str, uid: str, changes: dict[str, ChannelChoicesChange]
) -> NotificationPreferences:
    """Merge ``changes`` into the user's preferences; answers the result."""
    repo = uow.bind(repos.preferences(tenant_id, uid))
    stored = repo.get(repos.NOTIFICATION_PREFERENCES)
    current = stored or NotificationPreferences(
        id=repos.NOTIFICATION_PREFERENCES, tenant_id=tenant_id, user_id=uid
    )
    merged = {k: v.model_dump(exclude_none=True) for k, v in current.notifications.items()}
    for notification, change in changes.items():
        channels = merged.setdefault(notification, {})
        for channel in change.model_fields_set:
            value = getattr(change, channel)
            if value is None:
                channels.pop(channel, None)
            else:
                channels[channel] = value
        if not channels:
            del merged[notification]
    if len(merged) > MAX_NOTIFICATIONS:
        raise InvalidArgument(
            f"At most {MAX_NOTIFICATIONS} notifications with preferences",
            fields=[{"field": "notifications", "message": "too many notifications"}],
        )
    updated = current.model_copy(
        update={"notifications": {k: ChannelChoices(**v) for k, v in merged.items()}}
    )
    return repo.set(updated)


def wire(preferences: NotificationPreferences) -> dict[str, dict[str, bool]]:
    """``{notificationId: {channel: bool}}`` with camelCase channels, as stored."""
    return {
        notification: choices.model_dump(by_alias=True, exclude_none=True)
        for notification, choices in sorted(preferences.notifications.items())
    }
