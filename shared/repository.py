"""Typed repositories over Firestore collections; the only code that touches Firestore.

A repository is bound to one collection path from :mod:`shared.paths`, so a tenant's
repository can only reach that tenant's documents. Every write method takes an optional
``writer`` (a transaction or a write batch) so several writes commit together or not at all.

One malformed stored document (a field an older bug stored as null, a hand edit) must not break
a whole tenant: lists and batched reads skip it and log it (``stored document skipped``); a
read of that one document answers ``failed-precondition`` ``data/malformed``, never
``internal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import ValidationError

from shared import cursors, logs
from shared.clients import firestore_client
from shared.document_reads import get_document
from shared.errors import AlreadyExists, FailedPrecondition, NotFound
from shared.models import Document, to_firestore_value
from shared.paths import CollectionPath, DocumentPath, check_id

if TYPE_CHECKING:
    from google.cloud.firestore import (
        CollectionReference,
        DocumentReference,
        DocumentSnapshot,
        Transaction,
        WriteBatch,
    )

T = TypeVar("T", bound=Document)
Operator = Literal[
    "==", "!=", "<", "<=", ">", ">=", "in", "not-in", "array-contains", "array-contains-any"
]
Direction = Literal["asc", "desc"]
CHUNK_SIZE = 500
"""Writes per commit for bulk writes: a sweep's page (500 documents) in one commit, well under
the request-size bound of a commit (Firestore no longer caps a commit at 500 writes)."""


_log = logs.get_logger("repository")


class MalformedDocument(FailedPrecondition):
    """A stored document does not fit its model; named by path, details logged, not answered."""

    default_type = "data/malformed"


def utcnow() -> datetime:
    return datetime.now(UTC)


_INEQUALITIES = frozenset({"<", "<=", ">", ">=", "!=", "not-in"})
_CLIENT_OPS = {"array-contains": "array_contains", "array-contains-any": "array_contains_any"}
"""The Python client spells these two with underscores (``not-in`` keeps its hyphen)."""


@dataclass(frozen=True)
class Filter:
    """One ``where`` clause; ``field`` is a model field name or a stored (camelCase) path."""

    field: str
    op: Operator
    value: Any


def where(field: str, op: Operator, value: Any) -> Filter:
    return Filter(field, op, value)


@dataclass(frozen=True)
class Order:
    field: str
    direction: Direction = "asc"


@dataclass
class Page(Generic[T]):
    """One page of a query; ``next_cursor`` is None on the last page."""

    items: list[T]
    next_cursor: str | None


class CollectionRepository(Generic[T]):
    """Documents of one model in one collection.

    ``optimistic`` declares a collection of hot documents (a conversation every send of every
    participant rewrites): a unit of work reads them without a lock and makes its writes to
    them conditional on the version it read (:mod:`shared.unit_of_work`). Concurrent writers
    then never hold a lock while they wait for each other: one commits, the others find the
    version moved and run again on the new one.
    """

    def __init__(self, model: type[T], path: CollectionPath, *, optimistic: bool = False) -> None:
        self.model = model
        self.path = path
        self.optimistic = optimistic

    # -- references -------------------------------------------------------------------------
    @property
    def collection(self) -> CollectionReference:
        return firestore_client().collection(str(self.path))

    def ref(self, doc_id: str) -> DocumentReference:
        return firestore_client().document(str(self.path.document(doc_id)))

    def document_path(self, doc_id: str) -> DocumentPath:
        return self.path.document(doc_id)

    def new_id(self) -> str:
        """A fresh random document id (made locally, no round trip)."""
        return str(self.collection.document().id)

    def _field(self, name: str) -> str:
        """A model field name becomes its stored alias; stored paths pass through."""
        info = self.model.model_fields.get(name)
        return info.alias if info is not None and info.alias else name

    def _load(self, snapshot: DocumentSnapshot) -> T | None:
        if not snapshot.exists:
            return None
        try:
            return self.model.from_firestore(snapshot.id, snapshot.to_dict() or {})
        except ValidationError as error:
            path = str(self.path.document(snapshot.id))
            _log.error(
                "stored document malformed",
                extra={"fields": {"path": path, "errors": error.errors(include_input=False)}},
            )
            raise MalformedDocument(
                f"{self.model.__name__} {snapshot.id} is malformed", id=snapshot.id
            ) from error

    def _load_or_skip(self, snapshot: DocumentSnapshot) -> T | None:
        """For lists and batched reads: a malformed document is left out (and logged)."""
        try:
            return self._load(snapshot)
        except MalformedDocument:
            _log.warning("stored document skipped", extra={"fields": {"id": snapshot.id}})
            return None

    # -- reads ------------------------------------------------------------------------------
    def get(self, doc_id: str, *, transaction: Transaction | None = None) -> T | None:
        """The document, or None when it does not exist."""
        if transaction is None:  # one unary read (shared.document_reads)
            return self._load(get_document(self.ref(doc_id)))
        return self._load(self.ref(doc_id).get(transaction=transaction))

    def get_versioned(self, doc_id: str) -> tuple[T | None, datetime | None]:
        """The document (or None) and its update time (None when it does not exist), read
        without a transaction: what an optimistic unit makes its writes conditional on."""
        snapshot = get_document(self.ref(doc_id))
        return self._load(snapshot), snapshot.update_time

    def get_many_versioned(
        self, doc_ids: Iterable[str]
    ) -> tuple[dict[str, T], dict[str, datetime | None]]:
        """The existing documents among ``doc_ids`` (one batched read, no transaction), and
        every requested id's update time (None for the missing ones)."""
        refs = [self.ref(doc_id) for doc_id in dict.fromkeys(doc_ids)]
        found: dict[str, T] = {}
        versions: dict[str, datetime | None] = {}
        if refs:
            for snapshot in firestore_client().get_all(refs):
                versions[snapshot.id] = snapshot.update_time if snapshot.exists else None
                model = self._load_or_skip(snapshot)
                if model is not None:
                    found[snapshot.id] = model
        return found, versions

    def require(self, doc_id: str, *, transaction: Transaction | None = None) -> T:
        """The document, or ``NotFound``."""
        found = self.get(doc_id, transaction=transaction)
        if found is None:
            raise NotFound(f"{self.model.__name__} {doc_id} not found", id=doc_id)
        return found

    def get_many(
        self, doc_ids: Iterable[str], *, transaction: Transaction | None = None
    ) -> dict[str, T]:
        """The existing documents among ``doc_ids``, fetched in one batched read."""
        refs = [self.ref(doc_id) for doc_id in dict.fromkeys(doc_ids)]
        if not refs:
            return {}
        found: dict[str, T] = {}
        for snapshot in firestore_client().get_all(refs, transaction=transaction):
            model = self._load_or_skip(snapshot)
            if model is not None:
                found[snapshot.id] = model
        return found

    def query(
        self,
        *filters: Filter,
        order_by: Sequence[Order] = (),
        limit: int = 50,
        cursor: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> Page[T]:
        """One page of matching documents, ordered, continuing after ``cursor``.

        Fields under an inequality filter are ordered on explicitly (after ``order_by``, before
        the document id), as Firestore requires; the cursor carries their values too.
        ``fields`` reads only those fields (a projection: less to send and parse on large
        scans); the models then hold defaults elsewhere, so read them, never write them back.
        """
        direction = order_by[-1].direction if order_by else "asc"
        ordered = {self._field(o.field) for o in order_by}
        order_by = [
            *order_by,
            *(
                Order(field, direction)
                for field in sorted({f.field for f in filters if f.op in _INEQUALITIES})
                if self._field(field) not in ordered
            ),
        ]
        query = self._build(filters, order_by)
        query = query.order_by("__name__", direction=_direction(direction))
        if fields is not None:
            wanted = [*fields, *(o.field for o in order_by)]
            query = query.select(list(dict.fromkeys(self._field(f) for f in wanted)))
        scope = self.cursor_scope(order_by)
        if cursor:
            *values, position = cursors.decode(cursor, len(order_by) + 1, scope)
            query = query.start_after([*values, self._after(position)])
        snapshots = list(query.limit(limit + 1).stream())
        items = [m for m in (self._load_or_skip(s) for s in snapshots[:limit]) if m is not None]
        next_cursor = None
        if len(snapshots) > limit:
            last = snapshots[limit - 1]
            values = [last.get(self._field(o.field)) for o in order_by]
            next_cursor = cursors.encode([*values, self._position(last)], scope)
        return Page(items, next_cursor)

    def _position(self, snapshot: DocumentSnapshot) -> str:
        """Where a page ends, in its cursor: the document id (unique in one collection)."""
        return str(snapshot.id)

    def _after(self, position: Any) -> Any:
        """The ``__name__`` value to start after, from a cursor's position."""
        return position

    def cursor_scope(self, order_by: Sequence[Order] = ()) -> str:
        """What a cursor of this collection and order is signed for (``shared.cursors``): a
        cursor of another query, collection or tenant does not decode here."""
        order = ",".join(f"{self._field(o.field)}:{o.direction}" for o in order_by)
        return f"{self.path}?{order}"

    def stream_all(self, *filters: Filter, page_size: int = 500) -> Iterator[T]:
        """Every matching document, page by page (bounded memory on large sets)."""
        cursor: str | None = None
        while True:
            page = self.query(*filters, limit=page_size, cursor=cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def count(self, *filters: Filter) -> int:
        """The number of matching documents, by an aggregation query (no documents read)."""
        query: Any = self._build(filters, ())
        result = query.count(alias="n").get()
        return int(result[0][0].value)

    def _build(self, filters: Iterable[Filter], order_by: Iterable[Order]) -> Any:
        from google.cloud.firestore import FieldFilter

        query: Any = self.collection
        for f in filters:
            query = query.where(
                filter=FieldFilter(
                    self._field(f.field), _CLIENT_OPS.get(f.op, f.op), to_firestore_value(f.value)
                )
            )
        for order in order_by:
            query = query.order_by(self._field(order.field), direction=_direction(order.direction))
        return query

    # -- writes -----------------------------------------------------------------------------
    def create(self, doc: T, *, writer: Transaction | WriteBatch | None = None) -> T:
        """Create the document; ``AlreadyExists`` if its id is taken (at commit, with a writer)."""
        from google.api_core.exceptions import Conflict

        now = utcnow()
        doc = doc.model_copy(update={"created_at": doc.created_at or now, "updated_at": now})
        ref = self.ref(doc.id)
        if writer is not None:
            writer.create(ref, doc.to_firestore())
            return doc
        try:
            ref.create(doc.to_firestore())
        except Conflict as error:
            raise AlreadyExists(f"{self.model.__name__} {doc.id} already exists") from error
        return doc

    def set(self, doc: T, *, writer: Transaction | WriteBatch | None = None) -> T:
        """Write the whole document, replacing what was there."""
        now = utcnow()
        doc = doc.model_copy(update={"created_at": doc.created_at or now, "updated_at": now})
        if writer is not None:
            writer.set(self.ref(doc.id), doc.to_firestore())
        else:
            self.ref(doc.id).set(doc.to_firestore())
        return doc

    def update(
        self,
        doc_id: str,
        changes: Mapping[str, Any],
        *,
        writer: Transaction | WriteBatch | None = None,
    ) -> None:
        """Change only the named fields (dotted paths reach into maps); ``NotFound`` if absent."""
        from google.api_core.exceptions import NotFound as FirestoreNotFound

        data = {self._field(k): to_firestore_value(v) for k, v in changes.items()}
        data["updatedAt"] = utcnow()
        ref = self.ref(doc_id)
        if writer is not None:
            writer.update(ref, data)
            return
        try:
            ref.update(data)
        except FirestoreNotFound as error:
            raise NotFound(f"{self.model.__name__} {doc_id} not found", id=doc_id) from error

    def increment(
        self,
        doc_id: str,
        deltas: Mapping[str, int],
        *,
        defaults: Mapping[str, Any] | None = None,
        writer: Transaction | WriteBatch | None = None,
    ) -> None:
        """Add ``deltas`` to numeric fields server-side (a merge with ``Increment``); an absent
        document is created with them. ``defaults`` are written with every increment, so pass
        constants only (the owner's id, say). A blind write: no read, so writers that touch the
        same counter never conflict, and every increment lands exactly once."""
        from google.cloud.firestore import Increment

        data: dict[str, Any] = {
            self._field(k): to_firestore_value(v) for k, v in (defaults or {}).items()
        }
        data.update({self._field(k): Increment(v) for k, v in deltas.items()})
        data["updatedAt"] = utcnow()
        if writer is not None:
            writer.set(self.ref(doc_id), data, merge=True)
        else:
            self.ref(doc_id).set(data, merge=True)

    def change_array(
        self,
        doc_id: str,
        field: str,
        value: Any,
        *,
        add: bool,
        also: Mapping[str, Any] | None = None,
        writer: Transaction | WriteBatch | None = None,
    ) -> None:
        """Add ``value`` to (or remove it from) the array ``field`` server-side (a merge with
        ``ArrayUnion``/``ArrayRemove``), writing the fields of ``also`` with it; an absent
        document is created. A blind write, like :meth:`increment`: no read, no contention."""
        from google.cloud.firestore import ArrayRemove, ArrayUnion

        change = ArrayUnion([value]) if add else ArrayRemove([value])
        data: dict[str, Any] = {
            self._field(k): to_firestore_value(v) for k, v in (also or {}).items()
        }
        data[self._field(field)] = change
        data["updatedAt"] = utcnow()
        if writer is not None:
            writer.set(self.ref(doc_id), data, merge=True)
        else:
            self.ref(doc_id).set(data, merge=True)

    def delete(self, doc_id: str, *, writer: Transaction | WriteBatch | None = None) -> None:
        """Delete the document (no error when it is already gone)."""
        if writer is not None:
            writer.delete(self.ref(doc_id))
        else:
            self.ref(doc_id).delete()

    def write_many(self, docs: Iterable[T]) -> int:
        """Set many documents in chunked batch commits; each chunk is atomic, not the whole."""
        return _commit_chunked(
            (self.ref(d.id), "set", {**d.to_firestore(), "updatedAt": utcnow()}) for d in docs
        )

    def update_many(self, changes: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Apply partial updates to many documents in chunked batch commits."""
        now = utcnow()
        return _commit_chunked(
            (
                self.ref(doc_id),
                "update",
                {
                    **{self._field(k): to_firestore_value(v) for k, v in fields.items()},
                    "updatedAt": now,
                },
            )
            for doc_id, fields in changes
        )


class SubcollectionRepository(CollectionRepository[T]):
    """Documents under a parent document, e.g. ``tenants/{t}/projects/{p}/tasks``.

    The same API as :class:`CollectionRepository`; the parent is part of the path, so a
    repository for one project can never read another project's tasks.
    """

    def __init__(
        self, model: type[T], parent: DocumentPath, name: str, *, optimistic: bool = False
    ) -> None:
        super().__init__(
            model, parent.collection(check_id(name, "collection")), optimistic=optimistic
        )
        self.parent = parent


class CollectionGroup(CollectionRepository[T]):
    """Every collection named ``name`` across tenants (a collection-group query), read only:
    the same typed ``query``/``count``/``stream_all`` as a repository, for the few scans that
    must cross tenants (pending invitations for an email, profiles due for de-identification).
    The documents must carry their tenant in their data: the group knows no parent."""

    def __init__(self, model: type[T], name: str) -> None:
        super().__init__(model, CollectionPath((check_id(name, "collection"),)))
        self.name = name

    @property
    def collection(self) -> Any:
        return firestore_client().collection_group(self.name)

    def ref(self, doc_id: str) -> DocumentReference:
        raise TypeError("a collection group has no document paths: read through a repository")

    def _position(self, snapshot: DocumentSnapshot) -> str:
        """Ids repeat across tenants: a group's page ends at a full document path."""
        return str(snapshot.reference.path)

    def _after(self, position: Any) -> Any:
        return firestore_client().document(str(position))


def _direction(direction: Direction) -> str:
    return "DESCENDING" if direction == "desc" else "ASCENDING"


def _commit_chunked(writes: Iterable[tuple[DocumentReference, str, dict[str, Any]]]) -> int:
    count = 0
    batch = firestore_client().batch()
    pending = 0
    for ref, kind, data in writes:
        if kind == "set":
            batch.set(ref, data)
        else:
            batch.update(ref, data)
        pending += 1
        count += 1
        if pending == CHUNK_SIZE:
            batch.commit()
            batch = firestore_client().batch()
            pending = 0
    if pending:
        batch.commit()
    return count
