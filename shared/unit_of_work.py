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

Who runs a command: its entry point (``in_transaction(lambda uow: command(uow, ...))``), or,
where a step must happen outside any transaction (a DNS lookup, the bookkeeping after a
publish, one unit per tenant in a scheduled job), the domain function that orchestrates it.
A query never locks (``BoundRepository.find``/``count`` read outside the transaction); a
command that relies on what a query found re-reads those documents in the unit and raises
:class:`StaleRead` when they changed, which runs the unit again.

Hot documents (a repository declared ``optimistic``) are read without a lock, and the unit's
first write to each carries the version it read as a precondition: when another unit wrote
it meanwhile, the commit fails and the unit runs again on the new version. Firestore's locks
are right for most documents, but on one that every concurrent unit reads and then writes,
each holds a read lock the others need to upgrade theirs: production breaks that by aborting
the younger one (wound-wait), the emulator only by a 30 s lock timeout, so ten senders into
one conversation collapsed to 0.4 sends a second there. An optimistic unit holds no lock on
the hot document while it works, so concurrent ones queue only for the commit itself. A
read-only read of a hot document is not checked at commit: use it for documents whose
decisions may rest on a version a moment old (who takes part in a conversation, say).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from shared.errors import NotFound
from shared.repository import CollectionRepository, Filter
from shared.transactions import StaleRead

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

    def new_id(self) -> str:
        """A fresh random document id (made locally)."""
        ...

    def get(self, doc_id: str) -> T | None: ...
    def require(self, doc_id: str) -> T: ...
    def get_many(self, doc_ids: Iterable[str]) -> dict[str, T]: ...
    def create(self, doc: T) -> T: ...
    def set(self, doc: T) -> T: ...
    def update(self, doc_id: str, changes: Mapping[str, Any]) -> None: ...
    def delete(self, doc_id: str) -> None: ...
    def increment(
        self, doc_id: str, deltas: Mapping[str, int], *, defaults: Mapping[str, Any] | None = None
    ) -> None:
        """Move counters by exact deltas without reading them (``defaults``, constants, are
        written with them, so an absent document is created with its keys): concurrent units
        never contend on a read of the counters."""
        ...

    def change_array(
        self,
        doc_id: str,
        field: str,
        value: Any,
        *,
        add: bool,
        also: Mapping[str, Any] | None = None,
    ) -> None:
        """Add ``value`` to (or remove it from) an array field without reading it, with the
        fields of ``also`` (an absent document is created): no contention, like increments."""
        ...

    def find(self, *filters: Filter, limit: int | None = None) -> list[T]:
        """Matching documents, read outside the transaction (a query takes no lock and does
        not see the unit's staged writes); all of them when ``limit`` is None."""
        ...

    def count(self, *filters: Filter) -> int:
        """The number of matching documents (outside the transaction, like :meth:`find`)."""
        ...


class _Versions:
    """The versions an optimistic unit read, by document path (None: it did not exist); each
    becomes the precondition of the unit's first write to its document."""

    def __init__(self) -> None:
        self._read: dict[str, datetime | None] = {}
        self.conditioned = False
        """Whether a staged write carries a version: its commit may fail as stale."""

    def saw(self, path: str, version: datetime | None) -> None:
        self._read.setdefault(path, version)  # the first read is the one the work relied on

    def guard(self, path: str, writer: Any) -> None:
        """Make the write just staged for ``path`` conditional on the version read."""
        if path not in self._read:
            return
        from google.cloud.firestore_v1.types import common

        version = self._read.pop(path)
        write = writer._write_pbs[-1]  # the client library's staged write protos
        if version is not None:
            write.current_document = common.Precondition(update_time=version)
        elif "current_document" not in write:  # read as absent: still absent (an update
            write.current_document = common.Precondition(exists=False)  # must exist anyway)
        self.conditioned = True


class _Bound(Generic[T]):
    """A repository bound to a Firestore transaction (reads and writes) or batch (writes)."""

    def __init__(
        self,
        repository: CollectionRepository[T],
        writer: Transaction | WriteBatch | _DryRun,
        reads: bool,
        versions: _Versions,
    ) -> None:
        self._repository = repository
        self._writer: Any = writer
        self._reads = reads
        self._versions = versions

    def _transaction(self) -> Any:
        if not self._reads:
            raise TypeError("a batch unit of work cannot read: use in_transaction")
        return None if isinstance(self._writer, _DryRun) else self._writer

    def _optimistic(self) -> bool:
        """Whether reads go around the transaction's locks (hot documents, real units)."""
        return self._repository.optimistic and self._transaction() is not None

    def _path(self, doc_id: str) -> str:
        return str(self._repository.document_path(doc_id))

    def _staged(self, doc_id: str) -> None:
        if self._repository.optimistic and not isinstance(self._writer, _DryRun):
            self._versions.guard(self._path(doc_id), self._writer)

    def new_id(self) -> str:
        return self._repository.new_id()

    def get(self, doc_id: str) -> T | None:
        if self._optimistic():
            found, version = self._repository.get_versioned(doc_id)
            self._versions.saw(self._path(doc_id), version)
            return found
        return self._repository.get(doc_id, transaction=self._transaction())

    def require(self, doc_id: str) -> T:
        if self._optimistic():
            found = self.get(doc_id)
            if found is None:
                raise NotFound(f"{self._repository.model.__name__} {doc_id} not found", id=doc_id)
            return found
        return self._repository.require(doc_id, transaction=self._transaction())

    def get_many(self, doc_ids: Iterable[str]) -> dict[str, T]:
        if self._optimistic():
            found, versions = self._repository.get_many_versioned(doc_ids)
            for doc_id, version in versions.items():
                self._versions.saw(self._path(doc_id), version)
            return found
        return self._repository.get_many(doc_ids, transaction=self._transaction())

    def create(self, doc: T) -> T:
        created = self._repository.create(doc, writer=self._writer)
        self._staged(doc.id)
        return created

    def set(self, doc: T) -> T:
        written = self._repository.set(doc, writer=self._writer)
        self._staged(doc.id)
        return written

    def update(self, doc_id: str, changes: Mapping[str, Any]) -> None:
        self._repository.update(doc_id, changes, writer=self._writer)
        self._staged(doc_id)

    def delete(self, doc_id: str) -> None:
        self._repository.delete(doc_id, writer=self._writer)
        self._staged(doc_id)

    def increment(
        self, doc_id: str, deltas: Mapping[str, int], *, defaults: Mapping[str, Any] | None = None
    ) -> None:
        self._repository.increment(doc_id, deltas, defaults=defaults, writer=self._writer)
        self._staged(doc_id)

    def change_array(
        self,
        doc_id: str,
        field: str,
        value: Any,
        *,
        add: bool,
        also: Mapping[str, Any] | None = None,
    ) -> None:
        self._repository.change_array(doc_id, field, value, add=add, also=also, writer=self._writer)
        self._staged(doc_id)

    def find(self, *filters: Filter, limit: int | None = None) -> list[T]:
        if limit is None:
            return list(self._repository.stream_all(*filters))
        return self._repository.query(*filters, limit=limit).items

    def count(self, *filters: Filter) -> int:
        return self._repository.count(*filters)


class _DryRun:
    """A writer that stages nothing and only remembers whether the work wanted to write:
    the check before locking of ``in_transaction(..., check_first=True)``."""

    def __init__(self) -> None:
        self.wrote = False

    def create(self, *_: Any) -> None:
        self.wrote = True

    set = update = delete = create


class FirestoreUnitOfWork:
    """A unit of work over one Firestore transaction or write batch."""

    def __init__(self, writer: Transaction | WriteBatch | _DryRun, *, reads: bool) -> None:
        self.writer = writer
        self.events: list[DomainEvent] = []
        self.versions = _Versions()
        self._reads = reads

    def bind(self, repository: CollectionRepository[T]) -> BoundRepository[T]:
        return _Bound(repository, self.writer, self._reads, self.versions)

    def emit(self, *events: DomainEvent) -> None:
        self.events.extend(events)


def in_transaction(
    work: Callable[[UnitOfWork], R], *, publish: bool = True, check_first: bool = False
) -> R:
    """Run ``work`` in a Firestore transaction (retried on contention; ``Contention`` when it
    cannot commit), then publish the events of the attempt that committed.

    ``check_first`` is for a command whose repeat is harmless (``run_idempotent``): ``work``
    first runs on plain reads with its writes discarded; if it wanted no write and emitted
    nothing, its answer stands and nothing is locked. Otherwise the transaction runs, and when
    contention stops it, the check runs again after a short pause: identical calls at once
    abort each other until one commits, and then every other one finds the change made.
    """
    from shared.transactions import run_idempotent, run_transaction

    committed: list[DomainEvent] = []
    guarded = [False]  # whether the attempt being committed made conditional writes

    def attempt(transaction: Transaction) -> R:
        guarded[0] = False
        uow = FirestoreUnitOfWork(transaction, reads=True)
        result = work(uow)
        committed[:] = uow.events
        guarded[0] = uow.versions.conditioned
        return result

    def stale() -> bool:
        return guarded[0]

    if check_first:
        result = run_idempotent(attempt, lambda: _done(work), stale=stale)
    else:
        result = run_transaction(attempt, stale=stale)
    if publish:
        _publish(committed)
    return result


def _done(work: Callable[[UnitOfWork], R]) -> R | None:
    """``work``'s answer from plain reads when it would change nothing, else None."""
    dry = _DryRun()
    uow = FirestoreUnitOfWork(dry, reads=True)
    try:
        result = work(uow)
    except StaleRead:
        return None  # the transaction decides
    return None if dry.wrote or uow.events else result


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


__all__ = [
    "BoundRepository",
    "StaleRead",
    "UnitOfWork",
    "in_batch",
    "in_transaction",
]


def _publish(events: list[DomainEvent]) -> None:
    if events:
        from shared import events as _events

        _events.publish(events)
