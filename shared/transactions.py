"""Units of work: nothing is written unless everything commits.

``run_transaction`` retries the work on contention, so the work must only read and stage
writes, never publish: domain code returns the events, and the caller publishes them after the
commit. ``atomic_batch`` is for blind writes that need no reads.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from shared.clients import firestore_client

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction, WriteBatch

R = TypeVar("R")


def run_transaction(work: Callable[[Transaction], R], *, max_attempts: int = 5) -> R:
    """Run ``work(transaction)`` in a Firestore transaction, retried on contention.

    The client retries a commit that aborts; a *read* that aborts (a lock timeout, when
    transactions wait on each other) escapes it, so the whole unit is retried here too.
    """
    from google.api_core.exceptions import Aborted
    from google.cloud import firestore

    @firestore.transactional
    def _run(txn: Transaction) -> R:
        return work(txn)

    for attempt in range(1, max_attempts + 1):
        try:
            return _run(firestore_client().transaction(max_attempts=max_attempts))
        except Aborted:
            if attempt == max_attempts:
                raise
            time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
    raise AssertionError("unreachable")


@contextlib.contextmanager
def atomic_batch() -> Iterator[WriteBatch]:
    """A write batch committed when the block ends without error, dropped otherwise."""
    batch = firestore_client().batch()
    yield batch
    batch.commit()
