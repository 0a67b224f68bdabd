"""Units of work: nothing is written unless everything commits.

``run_transaction`` retries the work on contention, so the work must only read and stage
writes, never publish: domain code returns the events, and the caller publishes them after the
commit. ``atomic_batch`` is for blind writes that need no reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from shared.clients import firestore_client

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction, WriteBatch

R = TypeVar("R")


def run_transaction(work: Callable[[Transaction], R], *, max_attempts: int = 5) -> R:
    """Run ``work(transaction)`` in a Firestore transaction, retried on contention."""
    from google.cloud import firestore

    transaction = firestore_client().transaction(max_attempts=max_attempts)

    @firestore.transactional
    def _run(txn: Transaction) -> R:
        return work(txn)

    return _run(transaction)


@contextlib.contextmanager
def atomic_batch() -> Iterator[WriteBatch]:
    """A write batch committed when the block ends without error, dropped otherwise."""
    batch = firestore_client().batch()
    yield batch
    batch.commit()
