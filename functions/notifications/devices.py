"""The device-token registry for push: register, unregister, look up, forget.

A token's document id is a digest of the token. An FCM token is one app install, and it is a
bearer name for that device's pushes: whoever registers it gets their pushes shown there. So a
token belongs to one account at a time, across tenants (``deviceTokenHolders``): registering a
token another account holds is refused (``already-exists`` on ``token``), whoever learnt it,
and only the holder unregisters it. The legitimate move (someone else signs in on the same
device) goes through the app: on sign-out it unregisters the token (and, as FCM advises for
shared devices, deletes it, so the next account gets a new one); a holder whose registration
is gone (unregistered, swept after ``STALE_AFTER`` unseen, or reported invalid by FCM) no longer
holds it. Refusing costs the rare app that skipped its sign-out a fresh token; moving would let
anyone who saw a token (a log line, a shared screen) take a colleague's pushes or send theirs
to the colleague's phone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from notifications import repositories as repos
from notifications.models.devices import DeviceToken, DeviceTokenHolder, Platform
from shared.errors import AlreadyExists
from shared.repository import where
from shared.unit_of_work import UnitOfWork, in_transaction

STALE_AFTER = timedelta(days=60)


def token_id(token: str) -> str:
    return "k" + hashlib.sha256(token.encode()).hexdigest()[:40]


def register(tenant_id: str, user_id: str, token: str, platform: Platform) -> None:
    """Register the caller's token, in one transaction with its holder; a repeat refreshes
    ``lastSeenAt``. A token another account holds is refused, naming ``token``."""
    doc_id = token_id(token)

    def work(uow: UnitOfWork) -> None:
        holders = uow.bind(repos.device_token_holders())
        holder = holders.get(doc_id)
        if holder is not None and (holder.tenant_id, holder.user_id) != (tenant_id, user_id):
            held = uow.bind(repos.device_tokens(holder.tenant_id)).get(doc_id)
            if held is not None and held.user_id == holder.user_id:
                raise AlreadyExists(
                    "This device token is registered to another account",
                    type="notifications/token-held",
                    fields=[{"field": "token", "message": "registered to another account"}],
                )
        holders.set(DeviceTokenHolder(id=doc_id, tenant_id=tenant_id, user_id=user_id))
        uow.bind(repos.device_tokens(tenant_id)).set(
            DeviceToken(
                id=doc_id,
                tenant_id=tenant_id,
                user_id=user_id,
                token=token,
                platform=platform,
                last_seen_at=datetime.now(UTC),
            )
        )

    in_transaction(work)


def unregister(tenant_id: str, user_id: str, token: str) -> None:
    """Forget the token if it is the caller's; a repeat (or someone else's token) is a no-op."""
    doc_id = token_id(token)

    def work(uow: UnitOfWork) -> None:
        tokens = uow.bind(repos.device_tokens(tenant_id))
        holders = uow.bind(repos.device_token_holders())
        found, holder = tokens.get(doc_id), holders.get(doc_id)
        if found is None or found.user_id != user_id:
            return
        tokens.delete(doc_id)
        if holder is not None and (holder.tenant_id, holder.user_id) == (tenant_id, user_id):
            holders.delete(doc_id)

    in_transaction(work)


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
