"""The seeded world every rules table is checked against: two tenants, their people, documents.

Ids are unique per build (one build per test module), so modules never share documents and run in
any order alongside the other suites. Tables name people (``PEOPLE``) and documents (``targets``)
by these keys; adding a collection means seeding one document here and naming it in ``targets``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rules_client import Caller, Target, seed

# Who asks. The tenant under test is "home"; "away" is another tenant.
PEOPLE = (
    "signed-out",  # no Authorization header
    "stranger",  # tenant-admin of the away tenant: the strongest other-tenant user
    "roleless",  # home tenant claim but no role left (e.g. every role withdrawn)
    "member",  # plain member of home, owns nothing seeded
    "owner",  # member of home whose uid owns the profile, project and task
    "owner-elsewhere",  # the owner's uid, but a token for the away tenant
    "manager",  # project-manager of home
    "tenant-admin",  # tenant-admin of home
    "platform-admin",  # platformAdmin: true, no tenant
    "platform-role",  # 'platform-admin' in roles, no tenant
    "roles-not-a-list",  # home tenant, roles claim is a string: counts as no role
    "platform-admin-string",  # platformAdmin: "true" (a string): not a platform admin
    "deactivated",  # tenant-admin of home whose profile says disabled: an old, still valid token
)


def unique_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class World:
    """One seeded world: its tenants, the callers by name, the seeded documents by name."""

    home: str
    away: str
    callers: dict[str, Caller]
    targets: dict[str, Target]


def _claims(tenant_id: str | None, roles: object, **extra: object) -> dict[str, object]:
    claims: dict[str, object] = {"roles": roles, "products": ["core", "projects"], **extra}
    if tenant_id is not None:
        claims["tenantId"] = tenant_id
    return claims


def _people(home: str, away: str) -> dict[str, Caller]:
    uids = {name: unique_id(name) for name in PEOPLE}
    owner = uids["owner"]

    def user(name: str, tenant_id: str | None, roles: object, **extra: object) -> Caller:
        uid = owner if name == "owner-elsewhere" else uids[name]
        return Caller(uid, _claims(tenant_id, roles, appUserId=uid, **extra))

    callers = {
        "signed-out": Caller(),
        "stranger": user("stranger", away, ["tenant-admin"]),
        "roleless": user("roleless", home, []),
        "member": user("member", home, ["member"]),
        "owner": user("owner", home, ["member"]),
        "owner-elsewhere": user("owner-elsewhere", away, ["member"]),
        "manager": user("manager", home, ["project-manager"]),
        "tenant-admin": user("tenant-admin", home, ["tenant-admin"]),
        "platform-admin": user("platform-admin", None, [], platformAdmin=True),
        "platform-role": user("platform-role", None, ["platform-admin"]),
        "roles-not-a-list": user("roles-not-a-list", home, "tenant-admin"),
        "platform-admin-string": user("platform-admin-string", None, [], platformAdmin="true"),
        "deactivated": user("deactivated", home, ["tenant-admin"]),
    }
    assert set(callers) == set(PEOPLE)
    return callers


def build_world() -> World:
    """Seed two tenants and one document of every collection, as the emulator owner."""
    home, away = unique_id("tenant"), unique_id("tenant")
    callers = _people(home, away)
    owner = callers["owner"].uid
    assert owner is not None
    project, task, event = unique_id("project"), unique_id("task"), unique_id("event")
    client = unique_id("client")
    conversation = unique_id("conversation")
    address = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "DE"}
    now = datetime.now(UTC)
    stamps = {"createdAt": now, "updatedAt": now}

    documents: dict[str, tuple[str, dict[str, Any]]] = {
        "tenant": (f"tenants/{home}", {"name": "Home Ltd", "status": "active"}),
        "user": (
            f"tenants/{home}/users/{owner}",
            {"tenantId": home, "email": f"{owner}@example.test", "type": "business"},
        ),
        # A platform admin's profile inside the tenant: hidden from the tenant's admins.
        "platform-admin-profile": (
            f"tenants/{home}/users/{callers['platform-admin'].uid}",
            {"tenantId": home, "type": "platform-admin", "roles": ["platform-admin"]},
        ),
        # The owner's private fields (user service): the owner's alone.
        "private-profile": (
            f"tenants/{home}/users/{owner}/private/profile",
            {"tenantId": home, "userId": owner, "phone": "+49 30 1234567"},
        ),
        # The owner's notification preferences and terms history (user service).
        "user-preferences": (
            f"tenants/{home}/users/{owner}/preferences/notifications",
            {
                "tenantId": home,
                "userId": owner,
                "messaging.message_sent": {"email": False, "push": True},
            },
        ),
        "terms-acceptance": (
            f"tenants/{home}/users/{owner}/termsAcceptances/2025-01-01",
            {
                "tenantId": home,
                "userId": owner,
                "termsVersion": "2025-01-01",
                "acceptedAt": now,
                "first": True,
            },
        ),
        "project": (
            f"tenants/{home}/projects/{project}",
            {"tenantId": home, "name": "Launch", "status": "active", "ownerId": owner},
        ),
        "task": (
            f"tenants/{home}/projects/{project}/tasks/{task}",
            {
                "tenantId": home,
                "projectId": project,
                "title": "Write the brief",
                "status": "open",
                "createdBy": owner,
                "assigneeId": owner,
            },
        ),
        # Internal collections: written by the functions only, read by no client.
        "event-ledger": (f"_processedEvents/{event}", {"type": "example.task_created"}),
        "tenant-event-ledger": (
            f"tenants/{home}/_processedEvents/{event}",
            {"type": "example.task_created"},
        ),
        "migration": (f"_migrations/{unique_id('m0001')}", {"type": "migration"}),
        "unlisted": (f"tenants/{home}/unlisted/{unique_id('doc')}", {"type": "unknown"}),
        "sweep-job": (f"tenants/{home}/_authJobs/{unique_id('job')}", {"type": "refresh-claims"}),
        "throttle": (f"_throttles/{unique_id('password-reset')}", {"type": "password-reset"}),
        # A tenant's claim on a self-registration domain (customer service): global, so that
        # a domain has one owner; its verification token is for the tenant's admins only,
        # through functions.
        "registration-domain": (
            f"registrationDomains/{unique_id('corp')}.test",
            {"tenantId": home, "status": "pending", "verificationToken": "t"},
        ),
        # Server-only tenant data: invitations (tenant admins list them through functions).
        "invitation": (
            f"tenants/{home}/invitations/{unique_id('inv')}",
            {"tenantId": home, "email": f"{owner}@example.test", "status": "pending"},
        ),
        # Organisation (customer service): the tenant's own entries and one client's.
        "client": (
            f"tenants/{home}/clients/{client}",
            {"tenantId": home, "name": "Reseller Client", "active": True},
        ),
        "department": (
            f"tenants/{home}/departments/{unique_id('dep')}",
            {"tenantId": home, "name": "Finance", "active": True},
        ),
        "location": (
            f"tenants/{home}/locations/{unique_id('loc')}",
            {"tenantId": home, "name": "Head office", "address": address, "headquarters": True},
        ),
        "contact": (
            f"tenants/{home}/contacts/{unique_id('contact')}",
            {"tenantId": home, "type": "billing", "name": "Ada Billing", "active": True},
        ),
        "client-department": (
            f"tenants/{home}/clients/{client}/departments/{unique_id('dep')}",
            {"tenantId": home, "clientId": client, "name": "Sales", "active": True},
        ),
        "client-location": (
            f"tenants/{home}/clients/{client}/locations/{unique_id('loc')}",
            {"tenantId": home, "clientId": client, "name": "Depot", "address": address},
        ),
        "client-contact": (
            f"tenants/{home}/clients/{client}/contacts/{unique_id('contact')}",
            {"tenantId": home, "clientId": client, "type": "technical", "name": "Tom Tech"},
        ),
        # Files service: the owner's upload receipt, and its server-only companions.
        "file-receipt": (
            f"tenants/{home}/files/{unique_id('file')}",
            {
                "tenantId": home,
                "ownerId": owner,
                "status": "ready",
                "groupingId": "attachments",
                "token": "secret",
            },
        ),
        "file-usage": (f"tenants/{home}/fileUsage/totals", {"tenantId": home, "bytes": 10}),
        "file-url-cache": (
            f"tenants/{home}/fileUrls/{unique_id('file')}",
            {"tenantId": home, "url": "http://signed", "token": "secret"},
        ),
        "file-refs": (
            f"tenants/{home}/fileRefs/{unique_id('file')}",
            {"tenantId": home, "holders": ["messaging/c/m"]},
        ),
        # Messaging: a conversation of the owner and the deactivated admin, one message, the
        # owner's unread total and block list, a flag for the admins, a send window.
        "conversation": (
            f"tenants/{home}/conversations/{conversation}",
            {
                "tenantId": home,
                "type": "group",
                "participantIds": [owner, callers["deactivated"].uid],
                "participants": {
                    owner: {"joinedSeq": 0},
                    callers["deactivated"].uid: {"joinedSeq": 0},
                },
                "unreadCounts": {owner: 1},
            },
        ),
        "message": (
            f"tenants/{home}/conversations/{conversation}/messages/{unique_id('msg')}",
            {"tenantId": home, "conversationId": conversation, "senderId": owner, "seq": 1},
        ),
        "unread-total": (
            f"tenants/{home}/unreadTotals/{owner}",
            {"tenantId": home, "userId": owner, "unreadCount": 1},
        ),
        "messaging-blocks": (
            f"tenants/{home}/messagingBlocks/{owner}",
            {"tenantId": home, "blockedIds": [callers["member"].uid]},
        ),
        "message-flag": (
            f"tenants/{home}/messageFlags/{unique_id('flag')}",
            {"tenantId": home, "conversationId": conversation, "flaggedBy": owner},
        ),
        "messaging-rate": (
            f"tenants/{home}/messagingRates/{owner}",
            {"tenantId": home, "count": 1},
        ),
        # Notifications service: the owner's in-app notification and badge, a delivery record,
        # and the server-only companions.
        "in-app-notification": (
            f"tenants/{home}/users/{owner}/notifications/{unique_id('note')}",
            {"tenantId": home, "userId": owner, "title": "Hi", "seen": False},
        ),
        "notification-badge": (
            f"tenants/{home}/notificationBadges/{owner}",
            {"unreadCount": 1, "tenantId": home},
        ),
        "notification-delivery": (
            f"tenants/{home}/notificationDeliveries/{unique_id('delivery')}",
            {"tenantId": home, "recipientId": owner, "channel": "email", "status": "sent"},
        ),
        "notification-request": (
            f"tenants/{home}/notificationRequests/{unique_id('request')}",
            {"tenantId": home, "name": "secret link"},
        ),
        "notification-threshold": (
            f"tenants/{home}/notificationThresholds/{unique_id('threshold')}",
            {"tenantId": home},
        ),
        "notification-digest": (
            f"tenants/{home}/notificationDigests/{unique_id('digest')}",
            {"tenantId": home},
        ),
        "notification-digest-item": (
            f"tenants/{home}/notificationDigests/{unique_id('digest')}/digestItems/{owner}",
            {"tenantId": home, "data": {"excerpt": "a private message"}},
        ),
        "notification-settings": (
            f"tenants/{home}/notificationSettings/{owner}",
            {"tenantId": home},
        ),
        "notification-channels": (
            f"tenants/{home}/notificationChannels/settings",
            {"tenantId": home, "name": "smtp password inside"},
        ),
        "device-token": (
            f"tenants/{home}/deviceTokens/{unique_id('token')}",
            {"tenantId": home, "userId": owner, "name": "token"},
        ),
        # Server-only: API keys (their hashes never reach a client; admins use the callables).
        "api-key": (
            f"tenants/{home}/apiKeys/{unique_id('key')}",
            {
                "tenantId": home,
                "name": "CI export",
                "scopes": ["users.read"],
                "prefix": "AbCdEf",
                "salt": "00" * 16,
                "secretHash": "ff" * 32,
                "status": "active",
            },
        ),
    }
    # Every home person with a tenant claim has a profile, as sign-up leaves them (the rules
    # read the caller's own profile to refuse a deactivated user); "deactivated"'s says so.
    for name in ("roleless", "member", "manager", "tenant-admin", "roles-not-a-list"):
        uid = callers[name].uid
        documents[f"profile-of-{name}"] = (
            f"tenants/{home}/users/{uid}",
            {"tenantId": home, "type": "business", "disabled": False},
        )
    documents["deactivated-profile"] = (
        f"tenants/{home}/users/{callers['deactivated'].uid}",
        {"tenantId": home, "type": "business", "disabled": True},
    )
    targets: dict[str, Target] = {}
    for name, (path, data) in documents.items():
        seed(path, {**data, **stamps})
        field = next(f for f in ("status", "type", "name", "tenantId") if f in data)
        targets[name] = Target(path, field, str(data[field]))
    return World(home=home, away=away, callers=callers, targets=targets)
