"""Fixed-window rate limits kept in Firestore, for public callables that could be abused.

``take("password-reset", email, limit=3, window=timedelta(minutes=15))`` allows three calls per
key and window, and refuses the fourth with ``resource-exhausted`` (``throttle/exceeded``,
``retryAfterSeconds``). The key is hashed before it becomes a document id, so the counter
documents (``_throttles``, closed to clients by the rules) hold no email addresses; ``expireAt``
lets a TTL policy remove them. The count is read and written in one transaction, so concurrent
callers cannot both take the last slot. :func:`take_all` checks several limits (per email, per
caller, overall) in one transaction.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared import paths
from shared.errors import ResourceExhausted

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

THROTTLES = "_throttles"


def throttle_id(action: str, key: str) -> str:
    """The counter document id of ``key`` for ``action`` (no personal data in it)."""
    digest = hashlib.sha256(f"{action}\0{key.strip().lower()}".encode()).hexdigest()
    return f"{action}-{digest[:32]}"


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` calls of ``action`` for ``key`` per ``window``."""

    action: str
    key: str
    limit: int
    window: timedelta


def take(action: str, key: str, *, limit: int, window: timedelta) -> int:
    """Count one call of ``action`` for ``key``; the calls left in the window, or a refusal."""
    return take_all([Limit(action, key, limit, window)])[0]


def take_all(limits: Sequence[Limit]) -> list[int]:
    """Count one call against every limit at once, in one transaction: either all counters
    move or, when any limit is reached, none does and the call is refused (so a refused call
    does not eat the other budgets). The calls left under each limit."""
    from shared.clients import firestore_client
    from shared.transactions import run_transaction

    db = firestore_client()
    refs = [
        db.document(str(paths.root_collection(THROTTLES).document(throttle_id(x.action, x.key))))
        for x in limits
    ]

    def work(txn: Transaction) -> list[int]:
        now = datetime.now(UTC)
        snapshots = {s.reference.path: s for s in db.get_all(refs, transaction=txn)}
        writes: list[tuple[Any, dict[str, Any]]] = []
        left: list[int] = []
        for ref, limit in zip(refs, limits, strict=True):
            data: dict[str, Any] = snapshots[ref.path].to_dict() or {}
            started = data.get("windowStart")
            count = int(data.get("count", 0))
            if started is None or now - started >= limit.window:
                started, count = now, 0
            if count >= limit.limit:
                retry_after = math.ceil((started + limit.window - now).total_seconds())
                raise ResourceExhausted(
                    "Too many requests; try again later",
                    type="throttle/exceeded",
                    retryAfterSeconds=max(retry_after, 1),
                )
            fields = {
                "action": limit.action,
                "windowStart": started,
                "count": count + 1,
                "expireAt": started + limit.window,
            }
            writes.append((ref, fields))
            left.append(limit.limit - count - 1)
        for ref, fields in writes:
            txn.set(ref, fields)
        return left

    return run_transaction(work)
