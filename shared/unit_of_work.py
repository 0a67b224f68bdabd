"""One way to write a command: a unit of work.

A command reads and writes through repositories bound to one Firestore transaction (or one
blind batch), collects the domain events its change implies, and writes nothing unless the
whole unit commits; the events are published after the commit, never before::

    def archive(uow: UnitOfWork, project_id: str) -> Project:
        projects = uow.bind(repos.projects(tenant_id))
        project = projects.require(project_id)
        ...
        projects.update(project.id, {"status": "archived"})
        uow.emit(new_event("example.project_archived", ...))
        return project

    in_transaction(lambda uow: archive(uow, project_id))

Domain code sees only :class:`UnitOfWork` and :class:`BoundRepository`, never a Firestore
transaction, so its rules can be unit-tested with the in-memory fake of
``tests/support/fake_uow.py``. A transaction's work may run more than once (Firestore retries
it on contention): it must only read and stage writes; the events of the attempt that commits
are the ones published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from shared.repository import CollectionRepository

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction, WriteBatch

    from shared.events import DomainEvent

T = TypeVar("T", bound=Any)
R = TypeVar("R")


class UnitOfWork(Protocol):
    """What a command works with: repositories bound to the unit, and an event outbox."""

    def bind(self, repository: CollectionRepository[T]) -> BoundRepository[T]:
        """``repository`` with every read and write going through this unit."""
        ...

    def emit(self, *events: DomainEvent) -> None:
        """Events to publish once the unit has committed."""
        ...


class BoundRepository(Protocol[T]):
    """The transactional subset of a repository: reads see the unit's snapshot, writes are
    staged until it commits."""

    def get(self, doc_id: str) -> T | None: ...
    def require(self, doc_id: str) -> T: ...
    def get_many(self, doc_ids: Iterable[str]) -> dict[str, T]: ...
    def create(self, doc: T) -> T: ...
    def set(self, doc: T) -> T: ...
    def update(self, doc_id: str, changes: Mapping[str, Any]) -> None: ...
    def delete(self, doc_id: str) -> None: ...
    def increment(
        self, doc_id: str, deltas: Mapping[str, int], *, defaults: Mapping[str, Any] | None = None
    ) -> None: ...


class _Bound(Generic[T]):
    """A repository bound to a Firestore transaction (reads and writes) or batch (writes)."""

    def __init__(
        self, repository: CollectionRepository[T], writer: Transaction | WriteBatch, reads: bool
    ) -> None:
        self._repository = repository
        self._writer = writer
        self._reads = reads

    def _transaction(self) -> Any:
        if not self._reads:
            raise TypeError("a batch unit of work cannot read: use in_transaction")
        return self._writer

    def get(self, doc_id: str) -> T | None:
        return self._repository.get(doc_id, transaction=self._transaction())

    def require(self, doc_id: str) -> T:
        return self._repository.require(doc_id, transaction=self._transaction())

    def get_many(self, doc_ids: Iterable[str]) -> dict[str, T]:
        return self._repository.get_many(doc_ids, transaction=self._transaction())

    def create(self, doc: T) -> T:
        return self._repository.create(doc, writer=self._writer)

    def set(self, doc: T) -> T:
        return self._repository.set(doc, writer=self._writer)

    def update(self, doc_id: str, changes: Mapping[str, Any]) -> None:
        self._repository.update(doc_id, changes, writer=self._writer)

    def delete(self, doc_id: str) -> None:
        self._repository.delete(doc_id, writer=self._writer)

    def increment(
        self, doc_id: str, deltas: Mapping[str, int], *, defaults: Mapping[str, Any] | None = None
    ) -> None:
        self._repository.increment(doc_id, deltas, defaults=defaults, writer=self._writer)


class FirestoreUnitOfWork:
    """A unit of work over one Firestore transaction or write batch."""

    def __init__(self, writer: Transaction | WriteBatch, *, reads: bool) -> None:
        self.writer = writer
        self.events: list[DomainEvent] = []
        self._reads = reads

    def bind(self, repository: CollectionRepository[T]) -> BoundRepository[T]:
        return _Bound(repository, self.writer, self._reads)

    def emit(self, *events: DomainEvent) -> None:
        self.events.extend(events)


def in_transaction(work: Callable[[UnitOfWork], R], *, publish: bool = True) -> R:
    """Run ``work`` in a Firestore transaction (retried on contention; ``Contention`` when it
    cannot commit), then publish the events of the attempt that committed."""
    from shared.transactions import run_transaction

    committed: list[DomainEvent] = []

    def attempt(transaction: Transaction) -> R:
        uow = FirestoreUnitOfWork(transaction, reads=True)
        result = work(uow)
        committed[:] = uow.events
        return result

    result = run_transaction(attempt)
    if publish:
        _publish(committed)
    return result


def in_batch(work: Callable[[UnitOfWork], R], *, publish: bool = True) -> R:
    """Run ``work`` as one atomic batch of blind writes (no reads), then publish its events."""
    from shared.clients import firestore_client

    batch = firestore_client().batch()
    uow = FirestoreUnitOfWork(batch, reads=False)
    result = work(uow)
    batch.commit()
    if publish:
        _publish(uow.events)
    return result


def _publish(events: list[DomainEvent]) -> None:
    if events:
        from shared import events as _events

        _events.publish(events)
