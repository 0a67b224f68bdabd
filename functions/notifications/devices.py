"""The device-token registry for push: register, unregister, look up, forget.

A token's document id is a digest of the token, so registering the same token twice (or from
another account on a shared device) overwrites one document: the last account to register it
owns it. Tokens unseen for ``STALE_AFTER`` are removed by a daily sweep; tokens FCM reports
invalid are removed when a send learns it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from notifications import repositories as repos
from notifications.models.devices import DeviceToken, Platform
from shared.repository import where

STALE_AFTER = timedelta(days=60)


def token_id(token: str) -> str:
    return "k" + hashlib.sha256(token.encode()).hexdigest()[:40]


def register(tenant_id: str, user_id: str, token: str, platform: Platform) -> None:
    """Set semantics: a repeat refreshes ``lastSeenAt``."""
    repos.device_tokens(tenant_id).set(
        DeviceToken(
            id=token_id(token),
            tenant_id=tenant_id,
            user_id=user_id,
            token=token,
            platform=platform,
            last_seen_at=datetime.now(UTC),
        )
    )


def unregister(tenant_id: str, user_id: str, token: str) -> None:
    """Forget the token if it is the caller's; a repeat (or someone else's token) is a no-op."""
    repo = repos.device_tokens(tenant_id)
    found = repo.get(token_id(token))
    if found is not None and found.user_id == user_id:
        repo.delete(found.id)


def tokens_of(tenant_id: str, user_id: str) -> list[str]:
    return [
        t.token for t in repos.device_tokens(tenant_id).stream_all(where("user_id", "==", user_id))
    ]


def forget(tenant_id: str, tokens: Iterable[str]) -> None:
    repo = repos.device_tokens(tenant_id)
    for token in tokens:
        repo.delete(token_id(token))


def sweep_stale(tenant_id: str, now: datetime | None = None) -> int:
    """Remove the tenant's tokens unseen for 60 days; how many were removed."""
    cutoff = (now or datetime.now(UTC)) - STALE_AFTER
    repo = repos.device_tokens(tenant_id)
    stale = [t.id for t in repo.stream_all(where("last_seen_at", "<", cutoff))]
    for doc_id in stale:
        repo.delete(doc_id)
    return len(stale)
