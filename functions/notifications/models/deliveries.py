"""Dispatch requests, delivery records and the tasks that carry them."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from notifications.definitions import Channel
from shared.models import Document, Model


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"  # will be retried (``nextAttemptAt``)
    DEAD = "dead"  # the last retry failed; ``notifications_resend`` starts again


class Recipient(Model):
    """A user of the tenant, or (for someone with no account yet, e.g. an invitee) an address."""

    user_id: str | None = Field(default=None, max_length=128)
    email: str | None = Field(default=None, max_length=320)

    @property
    def key(self) -> str:
        """Names the recipient in delivery ids: the uid, or a digest of the address."""
        if self.user_id:
            return self.user_id
        import hashlib

        return "email-" + hashlib.sha256((self.email or "").encode()).hexdigest()[:24]


class DispatchRequest(Model):
    """What asks for a notification: from an event consumer, a task, or another service
    (``notifications.public.request_notification``)."""

    notification_id: str
    tenant_id: str | None = Field(default=None, description="None: a user with no tenant yet.")
    recipients: list[Recipient] = Field(min_length=1, max_length=10_000)
    data: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str = Field(min_length=1, max_length=500)
    entity_id: str | None = Field(
        default=None, description="What the notification is about (the threshold's entity)."
    )
    link_path: str | None = Field(
        default=None, description="Path on the tenant's host the notification links to."
    )
    link: str | None = Field(default=None, description="A full link (e.g. an auth action link).")
    shared_with_tenant: bool = Field(
        default=False,
        description="Whether everyone in the tenant may read what it is about (e.g. a "
        "conversation open to the whole tenant). Only then may a tenant-wide channel (Slack, "
        "Teams) carry a notice of it; a direct or private conversation never is.",
    )


class StoredRequest(Document):
    """``notificationRequests/{requestId}`` (closed to clients): the request as received, so a
    retry, a nudge or a resend renders the same message. May hold secrets (action links)."""

    request: DispatchRequest
    digested: bool = False
    """A digest request whose items are in every recipient's bucket: a redelivery adds none."""
    expire_at: datetime | None = None
    """Deleted by Firestore's TTL then: the request may carry live secrets (an invitation's
    token, an action link), which must not outlive their use."""


class DeliveryRecord(Document):
    """``notificationDeliveries/{deliveryId}``: one recipient on one channel. Tenant admins
    read them (why did or didn't a user get a message); functions write them. So a record says
    who, which notification, which channel and how it went, never what it is about: no entity
    (a direct conversation's id names its two people), no content, no sender."""

    tenant_id: str | None = None
    request_id: str
    notification_id: str
    channel: Channel
    recipient_id: str | None = Field(default=None, description="The user, when one.")
    recipient_email: str | None = Field(default=None, description="For address recipients.")
    entity_id: str | None = Field(
        default=None, description="No longer written (admins read records); old records."
    )
    nudge_id: str | None = None
    state: DeliveryState = DeliveryState.PENDING
    reason: str | None = Field(default=None, description="Why skipped, failed or dead.")
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = Field(
        default=None,
        description="When the running attempt took the record; None between attempts. A claim "
        "older than the lease (``delivery.LEASE``) belongs to an attempt that died.",
    )
    resends: int = Field(
        default=0,
        description="How many times ``notifications_resend`` started it again: names its tasks.",
    )
    sent_at: datetime | None = None
    locale: str | None = None
    budget_counted: bool = Field(
        default=False, description="This email was counted against its address's budget."
    )


class EmailBudgetSlot(Document):
    """``notificationEmailBudgets/{digest}-{window}-{n}`` (closed): one email's place in its
    address's budget for a window (``budgets.py``); the id is a digest, never the address."""

    delivery_id: str
    expire_at: datetime | None = None


class DeliverTask(Model):
    """``notificationsDeliver``: send one delivery record's message (attempt ``attempt``)."""

    tenant_id: str | None = None
    delivery_id: str
    attempt: int = 1
    resends: int = 0
    """The record's resend generation this task belongs to; a task of an earlier one is stale."""


class DigestTask(Model):
    """``notificationsFlushDigest``: send the digest bucket once its window closed."""

    tenant_id: str | None = None
    bucket_id: str


class Threshold(Document):
    """``notificationThresholds/{id}``: when an entity last notified a user on a channel."""

    last_sent_at: datetime


class DigestBucket(Document):
    """``notificationDigests/{bucketId}``: one (user, notification, key) over one window; its
    requests are its ``items``."""

    notification_id: str
    recipient: Recipient
    key: str
    flushed: bool = False
    window_ends_at: datetime
    link_path: str | None = None
    expire_at: datetime | None = None
    """Firestore's TTL policy deletes the bucket a week after its window (see
    firestore.indexes.json)."""


class DigestItem(Document):
    """``notificationDigests/{bucketId}/digestItems/{requestId}``: one request's data in a
    bucket; deleted by the TTL policy like its bucket."""

    data: dict[str, Any] = Field(default_factory=dict)
    at: datetime
    expire_at: datetime | None = None
