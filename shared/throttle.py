"""Fixed-window rate limits kept in Firestore, for public callables that could be abused.

``take("password-reset", email, limit=3, window=timedelta(minutes=15))`` allows three calls per
key and window, and refuses the fourth with ``resource-exhausted`` (``throttle/exceeded``,
``retryAfterSeconds``). The key is hashed before it becomes a document id, so the counter
documents (``_throttles``, closed to clients by the rules) hold no email addresses; ``expireAt``
lets a TTL policy remove them. The count is read and written in one transaction, so concurrent
callers cannot both take the last slot.
"""

from __future__ import annotations

import hashlib
import math
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


def take(action: str, key: str, *, limit: int, window: timedelta) -> int:
    """Count one call of ``action`` for ``key``; the calls left in the window, or a refusal."""
    from shared.clients import firestore_client
    from shared.transactions import run_transaction

    ref = firestore_client().document(
        str(paths.root_collection(THROTTLES).document(throttle_id(action, key)))
    )

    def work(txn: Transaction) -> int:
        now = datetime.now(UTC)
        snapshot = ref.get(transaction=txn)
        data: dict[str, Any] = snapshot.to_dict() or {}
        started = data.get("windowStart")
        count = int(data.get("count", 0))
        if started is None or now - started >= window:
            started, count = now, 0
        if count >= limit:
            retry_after = math.ceil((started + window - now).total_seconds())
            raise ResourceExhausted(
                "Too many requests; try again later",
                type="throttle/exceeded",
                retryAfterSeconds=max(retry_after, 1),
            )
        txn.set(
            ref,
            {
                "action": action,
                "windowStart": started,
                "count": count + 1,
                "expireAt": started + window,
            },
        )
        return limit - count - 1

    return run_transaction(work)
