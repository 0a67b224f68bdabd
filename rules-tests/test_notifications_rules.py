"""The notifications service: an in-app notification
(``tenants/{t}/users/{uid}/notifications/{id}``) and the badge (``notificationBadges/{uid}``)
are read by their user alone, inside the tenant (not by admins, not by platform admins); the
delivery records are read by the tenant's admins (and platform admins); requests, thresholds,
digests, quiet-hour settings, the tenant's channel settings and device tokens are closed to
every client. No client writes any of them."""

from __future__ import annotations

import pytest
from rules_client import Op
from rules_tables import (
    ALLOW,
    CASE,
    DENY,
    NOTHING,
    READ_ONLY,
    access_table,
    check_access,
    everyone_denied,
)
from rules_world import World

OWN_ONLY = {
    #                          get    list   create update delete
    "signed-out":             NOTHING,
    "stranger":               NOTHING,
    "roleless":               NOTHING,
    "roles-not-a-list":       NOTHING,
    "member":                 NOTHING,
    "owner":                  (ALLOW, ALLOW, DENY,  DENY,  DENY),
    "owner-elsewhere":        NOTHING,
    "manager":                NOTHING,
    "tenant-admin":           NOTHING,
    "platform-admin":         NOTHING,
    "platform-role":          NOTHING,
    "platform-admin-string":  NOTHING,
    "deactivated":            NOTHING,
}  # fmt: skip
IN_APP = access_table("in-app-notification", OWN_ONLY)
# The badge: the owner gets their own; a list of the tenant's badges is nobody's.
BADGE = access_table("notification-badge", {**OWN_ONLY, "owner": (ALLOW, DENY, DENY, DENY, DENY)})
DELIVERIES = access_table(
    "notification-delivery",
    {
        "signed-out":             NOTHING,
        "stranger":               NOTHING,
        "roleless":               NOTHING,
        "roles-not-a-list":       NOTHING,
        "member":                 NOTHING,
        "owner":                  NOTHING,
        "owner-elsewhere":        NOTHING,
        "manager":                NOTHING,
        "tenant-admin":           READ_ONLY,
        "platform-admin":         READ_ONLY,
        "platform-role":          READ_ONLY,
        "platform-admin-string":  NOTHING,
        "deactivated":            NOTHING,
    },
)  # fmt: skip
CLOSED = [
    case
    for target in (
        "notification-request",
        "notification-threshold",
        "notification-digest",
        "notification-digest-item",
        "notification-settings",
        "notification-channels",
        "device-token",
    )
    for case in everyone_denied(target)
]


@pytest.mark.parametrize(CASE, IN_APP)
def test_in_app_notifications_are_read_by_their_user_only_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, BADGE)
def test_the_badge_is_read_by_its_user_only_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, DELIVERIES)
def test_delivery_records_are_read_by_the_tenants_admins_and_written_by_no_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)


@pytest.mark.parametrize(CASE, CLOSED)
def test_requests_thresholds_digests_settings_and_device_tokens_are_closed_to_every_client(
    world: World, target: str, person: str, op: Op, allowed: bool
) -> None:
    check_access(world, target, person, op, allowed)
