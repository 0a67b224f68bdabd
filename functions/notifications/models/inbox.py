"""In-app notifications and the unread badge (contract: SPEC section 8)."""

from datetime import datetime

from pydantic import Field

from shared.models import Document, RequestModel
from shared.types import Id


class InAppNotification(Document):
    """``tenants/{t}/users/{uid}/notifications/{id}``: readable by its user only."""

    tenant_id: str
    user_id: str
    notification_id: str
    title: str
    body: str = ""
    link: str | None = None
    seen: bool = False
    archived: bool = False
    seen_at: datetime | None = None


class Badge(Document):
    """``tenants/{t}/notificationBadges/{uid}``: unseen, unarchived in-app notifications."""

    unread_count: int = 0


MAX_IDS = 100


class MarkViewed(RequestModel):
    notification_ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_IDS)
    all: bool | None = Field(default=None, description="true: every unseen notification.")
    tenant_id: Id | None = None


class Archive(RequestModel):
    notification_ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)
    tenant_id: Id | None = None


class BadgeAnswer(RequestModel):
    unread_count: int
    changed: int = 0
