"""An in-memory unit of work for unit tests of domain rules (no emulator, no Firestore types).

Documents live in a dict per collection path; a unit's writes are staged and applied only when
the test commits it (``run``), so a rule that raises leaves the store as it was, as a Firestore
transaction would. A unit whose reads another unit changed before it commits runs again, as
Firestore's locks and version checks make the real one: every read of a locked repository,
and of an ``optimistic`` one only where the unit also writes the document (a read-only read of
a hot document is not checked). A test interleaves units by committing another ``run`` on the
same store from inside the first one's work.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from shared.errors import AlreadyExists, Contention, NotFound
from shared.events import DomainEvent
from shared.repository import CollectionRepository, Filter
from shared.unit_of_work import StaleRead

T = TypeVar("T", bound=Any)
R = TypeVar("R")
Store = dict[str, dict[str, Any]]


class _FakeBound(Generic[T]):
    def __init__(self, repository: CollectionRepository[T], uow: FakeUnitOfWork) -> None:
        self._model = repository.model
        self._path = str(repository.path)
        self._optimistic = repository.optimistic
        self._uow = uow

    def _docs(self) -> dict[str, Any]:
        return self._uow.view(self._path)

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def get(self, doc_id: str) -> T | None:
        self._uow.saw(self._path, doc_id, self._optimistic)
        return self._docs().get(doc_id)

    def require(self, doc_id: str) -> T:
        found = self.get(doc_id)
        if found is None:
            raise NotFound(f"{self._model.__name__} {doc_id} not found", id=doc_id)
        return found

    def get_many(self, doc_ids: Iterable[str]) -> dict[str, T]:
        doc_ids = list(doc_ids)
        for doc_id in doc_ids:
            self._uow.saw(self._path, doc_id, self._optimistic)
        docs = self._docs()
        return {i: docs[i] for i in dict.fromkeys(doc_ids) if i in docs}

    def create(self, doc: T) -> T:
        if doc.id in self._docs():
            raise AlreadyExists(f"{self._model.__name__} {doc.id} already exists")
        return self.set(doc)

    def set(self, doc: T) -> T:
        self._uow.stage(self._path, doc.id, doc)
        return doc

    def update(self, doc_id: str, changes: Mapping[str, Any]) -> None:
        current = self.require(doc_id)
        self._uow.stage(self._path, doc_id, current.model_copy(update=dict(changes)))

    def delete(self, doc_id: str) -> None:
        self._uow.stage(self._path, doc_id, None)

    def increment(
        self, doc_id: str, deltas: Mapping[str, int], *, defaults: Mapping[str, Any] | None = None
    ) -> None:
        current = self._docs().get(doc_id) or self._model(id=doc_id, **dict(defaults or {}))
        added = {k: getattr(current, k) + v for k, v in deltas.items()}
        self._uow.stage(self._path, doc_id, current.model_copy(update=added))

    def change_array(
        self,
        doc_id: str,
        field: str,
        value: Any,
        *,
        add: bool,
        also: Mapping[str, Any] | None = None,
    ) -> None:
        current = self._docs().get(doc_id) or self._model(id=doc_id)
        kept = [v for v in getattr(current, field) if v != value]
        changes = {**(also or {}), field: [*kept, value] if add else kept}
        self._uow.stage(self._path, doc_id, current.model_copy(update=changes))

    def find(self, *filters: Filter, limit: int | None = None) -> list[T]:
        """Like Firestore's query outside the transaction: the committed store only, by id."""
        docs = self._uow.store.get(self._path, {})
        found = [docs[i] for i in sorted(docs) if all(_matches(docs[i], f) for f in filters)]
        return found if limit is None else found[:limit]

    def count(self, *filters: Filter) -> int:
        return len(self.find(*filters))


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda value, options: value in options,
    "array-contains": lambda values, value: value in values,
}


def _matches(doc: Any, condition: Filter) -> bool:
    """A filter on a model field name (the fake knows no stored camelCase paths)."""
    return _OPERATORS[condition.op](getattr(doc, condition.field), condition.value)


class FakeUnitOfWork:
    """Binds repositories to an in-memory store; ``events`` holds what the last committed unit
    emitted."""

    def __init__(self, store: Store | None = None) -> None:
        self.store: Store = store if store is not None else {}
        self.events: list[DomainEvent] = []
        self._staged: dict[tuple[str, str], Any] = {}
        self._emitted: list[DomainEvent] = []
        self._read: dict[tuple[str, str], tuple[Any, bool]] = {}
        self.attempts = 0

    def bind(self, repository: CollectionRepository[T]) -> _FakeBound[T]:
        return _FakeBound(repository, self)

    def emit(self, *events: DomainEvent) -> None:
        self._emitted.extend(events)

    def seed(self, repository: CollectionRepository[Any], *docs: Any) -> None:
        """Documents that exist before the unit runs."""
        for doc in docs:
            self.store.setdefault(str(repository.path), {})[doc.id] = doc

    def view(self, path: str) -> dict[str, Any]:
        """The collection as this unit sees it: the store plus its own staged writes."""
        docs = dict(self.store.get(path, {}))
        for (staged_path, doc_id), doc in self._staged.items():
            if staged_path == path:
                if doc is None:
                    docs.pop(doc_id, None)
                else:
                    docs[doc_id] = doc
        return docs

    def stage(self, path: str, doc_id: str, doc: Any) -> None:
        self._staged[(path, doc_id)] = doc

    def saw(self, path: str, doc_id: str, optimistic: bool) -> None:
        """Remember the committed version a unit's first read of a document found."""
        committed = self.store.get(path, {}).get(doc_id)
        self._read.setdefault((path, doc_id), (committed, optimistic))

    def _stale(self) -> bool:
        """Whether another unit committed a document this one read (and must check)."""
        return any(
            self.store.get(path, {}).get(doc_id) is not seen
            for (path, doc_id), (seen, optimistic) in self._read.items()
            if not optimistic or (path, doc_id) in self._staged
        )

    def run(self, work: Callable[[FakeUnitOfWork], R], *, attempts: int = 5) -> R:
        """Run ``work`` as one unit: its writes and events land only if it returns. A
        ``StaleRead`` runs it again (``Contention`` after ``attempts``), as the real unit does."""
        for attempt in range(1, attempts + 1):
            self._staged, self._emitted, self._read = {}, [], {}
            self.attempts = attempt
            try:
                result = work(self)
                if self._stale():
                    raise StaleRead("a document read changed before the commit")
            except StaleRead:
                if attempt == attempts:
                    raise Contention("stale reads", retryable=True) from None
                continue
            break
        for (path, doc_id), doc in self._staged.items():
            if doc is None:
                self.store.get(path, {}).pop(doc_id, None)
            else:
                self.store.setdefault(path, {})[doc_id] = doc
        self.events = list(self._emitted)
        self._staged, self._emitted, self._read = {}, [], {}
        return result
