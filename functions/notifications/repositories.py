"""Where the notifications service's documents live (private to the service).

Everything is under ``tenants/{tenantId}/``; the few notifications of a user with no tenant yet
(a verification link before joining) keep their requests and delivery records in the root
collections of the same names (``_platform`` scope), which no client can read.
"""

from __future__ import annotations

from notifications.models.deliveries import (
    DeliveryRecord,
    DigestBucket,
    DigestItem,
    EmailBudgetSlot,
    StoredRequest,
    Threshold,
)
from notifications.models.devices import DeviceToken, DeviceTokenHolder
from notifications.models.inbox import Badge, InAppNotification
from notifications.models.settings import TenantChannels, UserSettings
from shared import paths
from shared.repository import CollectionRepository, SubcollectionRepository

REQUESTS = "notificationRequests"
DELIVERIES = "notificationDeliveries"
THRESHOLDS = "notificationThresholds"
EMAIL_BUDGETS = "notificationEmailBudgets"
DIGESTS = "notificationDigests"
DIGEST_ITEMS = "digestItems"
BADGES = "notificationBadges"
SETTINGS = "notificationSettings"
CHANNELS = "notificationChannels"
CHANNEL_SETTINGS = "settings"
DEVICE_TOKENS = "deviceTokens"
DEVICE_TOKEN_HOLDERS = "deviceTokenHolders"
INBOX = "notifications"


def _scoped(tenant_id: str | None, name: str) -> paths.CollectionPath:
    if tenant_id is None:
        return paths.root_collection(name)
    return paths.tenant_collection(tenant_id, name)


def requests(tenant_id: str | None) -> CollectionRepository[StoredRequest]:
    return CollectionRepository(StoredRequest, _scoped(tenant_id, REQUESTS))


def deliveries(tenant_id: str | None) -> CollectionRepository[DeliveryRecord]:
    return CollectionRepository(DeliveryRecord, _scoped(tenant_id, DELIVERIES))


def thresholds(tenant_id: str | None) -> CollectionRepository[Threshold]:
    return CollectionRepository(Threshold, _scoped(tenant_id, THRESHOLDS))


def email_budgets(tenant_id: str | None) -> CollectionRepository[EmailBudgetSlot]:
    return CollectionRepository(EmailBudgetSlot, _scoped(tenant_id, EMAIL_BUDGETS))


def digests(tenant_id: str | None) -> CollectionRepository[DigestBucket]:
    return CollectionRepository(DigestBucket, _scoped(tenant_id, DIGESTS))


def digest_items(tenant_id: str | None, bucket_id: str) -> SubcollectionRepository[DigestItem]:
    """``notificationDigests/{bucketId}/digestItems/{requestId}``: one document per request, so the
    requests of a busy conversation never rewrite one document."""
    return SubcollectionRepository(
        DigestItem, _scoped(tenant_id, DIGESTS).document(bucket_id), DIGEST_ITEMS
    )


def inbox(tenant_id: str, user_id: str) -> SubcollectionRepository[InAppNotification]:
    """``tenants/{t}/users/{uid}/notifications``."""
    return SubcollectionRepository(
        InAppNotification, paths.tenant_collection(tenant_id, "users").document(user_id), INBOX
    )


def badges(tenant_id: str) -> CollectionRepository[Badge]:
    return CollectionRepository(Badge, paths.tenant_collection(tenant_id, BADGES))


def user_settings(tenant_id: str) -> CollectionRepository[UserSettings]:
    return CollectionRepository(UserSettings, paths.tenant_collection(tenant_id, SETTINGS))


def tenant_channels(tenant_id: str) -> CollectionRepository[TenantChannels]:
    return CollectionRepository(TenantChannels, paths.tenant_collection(tenant_id, CHANNELS))


def device_token_holders() -> CollectionRepository[DeviceTokenHolder]:
    """Root ``deviceTokenHolders``: the one account holding each token, whatever the tenant."""
    return CollectionRepository(DeviceTokenHolder, paths.root_collection(DEVICE_TOKEN_HOLDERS))


def device_tokens(tenant_id: str) -> CollectionRepository[DeviceToken]:
    return CollectionRepository(DeviceToken, paths.tenant_collection(tenant_id, DEVICE_TOKENS))
