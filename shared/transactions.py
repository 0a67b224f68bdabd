"""Units of work: nothing is written unless everything commits.

``run_transaction`` retries the work on contention, so the work must only read and stage
writes, never publish: domain code returns the events, and the caller publishes them after the
commit. ``atomic_batch`` is for blind writes that need no reads.

When the retries run out under true contention the caller gets ``Contention`` (callable code
``aborted``, retryable, nothing written), never ``internal``. Contention is cheapest avoided:
a command that may be repeated reads outside the transaction first and answers the done state
when nothing would change, and inside the transaction changes only what needs changing.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from shared.clients import firestore_client
from shared.errors import Contention

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction, WriteBatch

R = TypeVar("R")


STALE_ATTEMPTS = 12
"""Attempts a unit gets when what it read went stale (a hot document moved under it)."""


class StaleRead(Exception):
    """Raised by a unit's work when what it read outside the transaction (a query, which does
    not lock) no longer holds inside it: :func:`run_transaction` runs the whole unit again, as
    for contention, so no domain code needs the client library's ``Aborted``."""


def run_transaction(
    work: Callable[[Transaction], R],
    *,
    max_attempts: int = 5,
    stale: Callable[[], bool] = lambda: False,
    stale_attempts: int = STALE_ATTEMPTS,
) -> R:
    """Run ``work(transaction)`` in a Firestore transaction, retried on contention.

    The client retries a commit that aborts; a *read* that aborts (a lock timeout, when
    transactions wait on each other) escapes it, so the whole unit is retried here too. A
    commit whose preconditions failed (the attempt made conditional writes: ``stale()``) is a
    stale read, and runs again. A stale attempt held no lock and cost a round of reads, so
    stale reads get their own, larger budget (``stale_attempts``) and shorter pauses; aborts
    keep ``max_attempts``. When retries give up, ``Contention`` (``aborted``).
    """
    from google.api_core.exceptions import Aborted, Conflict, FailedPrecondition
    from google.cloud import firestore

    @firestore.transactional
    def _run(txn: Transaction) -> R:
        return work(txn)

    aborted = stale_runs = 0
    while True:
        try:
            try:
                return _run(firestore_client().transaction(max_attempts=max_attempts))
            except (FailedPrecondition, Conflict) as error:
                if not stale():
                    raise
                raise StaleRead(str(error)) from error
        except StaleRead as error:
            stale_runs += 1
            if stale_runs >= stale_attempts:
                raise _contention() from error
            time.sleep(min(0.01 * 2**stale_runs, 0.25) * (0.5 + random.random()))
        except Aborted as error:
            aborted += 1
            if aborted >= max_attempts:
                raise _contention() from error
            time.sleep(min(0.05 * 2**aborted, 1.0) * (0.5 + random.random()))
        except ValueError as error:
            # the client wraps its last aborted commit in a ValueError once its retries run out
            if isinstance(error.__cause__, Aborted):
                raise _contention() from error
            raise


def run_idempotent(
    work: Callable[[Transaction], R],
    done: Callable[[], R | None],
    *,
    rounds: int = 3,
    stale: Callable[[], bool] = lambda: False,
) -> R:
    """Run a command whose repeat is harmless, contending only while a change is needed.

    ``done()`` answers the done state from plain reads (None while a change is still needed).
    It is asked before the transaction (check before locking: a repeat of a done change never
    locks anything) and again, after a short random pause, whenever contention stops the
    transaction: identical calls at once abort each other's transactions until one commits,
    and then every other one finds the change made and succeeds too. ``work`` must itself
    change only what still needs changing. ``Contention`` only if ``rounds`` rounds all fail.
    """
    for attempt in range(1, rounds + 1):
        answer = done()
        if answer is not None:
            return answer
        try:
            return run_transaction(work, stale=stale)
        except Contention:
            if attempt == rounds:
                raise
            time.sleep(0.2 + random.random())
    raise AssertionError("unreachable")


def _contention() -> Contention:
    return Contention("Too many concurrent changes to the same data; retry", retryable=True)


@contextlib.contextmanager
def atomic_batch() -> Iterator[WriteBatch]:
    """A write batch committed when the block ends without error, dropped otherwise."""
    batch = firestore_client().batch()
    yield batch
    batch.commit()
