"""CollectionRepository and SubcollectionRepository against the Firestore emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import pytest
from pydantic import BaseModel

from shared import paths
from shared.clients import firestore_client
from shared.document_reads import get_document
from shared.errors import AlreadyExists, NotFound
from shared.models import Document
from shared.repository import CollectionRepository, Order, SubcollectionRepository, where
from shared.transactions import atomic_batch, run_transaction
from tests.support.users import unique_id


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    city: str
    lines: list[str]


class Widget(Document):
    tenant_id: str
    name: str
    colour: Colour = Colour.RED
    rank: int = 0
    due_at: datetime | None = None
    address: Address | None = None


@pytest.fixture
def widgets() -> CollectionRepository[Widget]:
    return CollectionRepository(Widget, paths.tenant_collection(unique_id("t"), "widgets"))


def make(repo: CollectionRepository[Widget], **fields: object) -> Widget:
    tenant_id = repo.path.segments[1]
    return Widget(id=repo.new_id(), tenant_id=tenant_id, name="w", **fields)  # type: ignore[arg-type]


def test_a_document_round_trips_with_timestamps_enums_and_nested_models(widgets):
    due = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    created = widgets.create(
        make(
            widgets, colour=Colour.BLUE, due_at=due, address=Address(city="Oslo", lines=["a", "b"])
        )
    )
    loaded = widgets.require(created.id)
    assert loaded == created
    assert loaded.colour is Colour.BLUE
    assert loaded.due_at == due
    assert loaded.address == Address(city="Oslo", lines=["a", "b"])
    raw = widgets.ref(created.id).get().to_dict()
    assert raw["colour"] == "blue" and "id" not in raw and raw["tenantId"] == created.tenant_id


def test_create_refuses_an_existing_id(widgets):
    widget = widgets.create(make(widgets))
    with pytest.raises(AlreadyExists):
        widgets.create(widget)


def test_get_many_returns_only_the_existing_documents(widgets):
    a, b = widgets.create(make(widgets)), widgets.create(make(widgets))
    found = widgets.get_many([a.id, "missing", b.id, a.id])
    assert set(found) == {a.id, b.id}


def test_update_changes_only_the_named_fields_and_refuses_a_missing_document(widgets):
    widget = widgets.create(make(widgets, rank=1))
    widgets.update(widget.id, {"name": "renamed"})
    loaded = widgets.require(widget.id)
    assert (loaded.name, loaded.rank) == ("renamed", 1)
    assert loaded.updated_at and widget.updated_at and loaded.updated_at > widget.updated_at
    with pytest.raises(NotFound):
        widgets.update("missing", {"name": "x"})


def test_delete_removes_the_document(widgets):
    widget = widgets.create(make(widgets))
    widgets.delete(widget.id)
    assert widgets.get(widget.id) is None


def test_query_pages_through_every_match_once_in_order(widgets):
    for rank in range(7):
        widgets.create(make(widgets, rank=rank, colour=Colour.BLUE if rank % 2 else Colour.RED))
    seen, cursor = [], None
    while True:
        page = widgets.query(
            where("colour", "==", Colour.RED),
            order_by=[Order("rank", "desc")],
            limit=2,
            cursor=cursor,
        )
        seen += [w.rank for w in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [6, 4, 2, 0]


def test_range_filters_page_through_every_match_once(widgets):
    for rank in range(9):
        widgets.create(make(widgets, rank=rank))
    found = widgets.stream_all(where("rank", ">=", 3), where("rank", "<", 8), page_size=2)
    assert sorted(w.rank for w in found) == [3, 4, 5, 6, 7]


def test_count_uses_an_aggregation_over_the_filter(widgets):
    for rank in range(5):
        widgets.create(make(widgets, rank=rank))
    assert widgets.count(where("rank", ">=", 2)) == 3


def test_a_failing_transaction_writes_nothing(widgets):
    first, second = make(widgets), make(widgets)

    def work(txn):
        widgets.create(first, writer=txn)
        widgets.create(second, writer=txn)
        raise RuntimeError("fails midway")

    with pytest.raises(RuntimeError):
        run_transaction(work)
    assert widgets.get_many([first.id, second.id]) == {}


def test_an_atomic_batch_commits_nothing_when_the_block_fails(widgets):
    widget = make(widgets)
    with pytest.raises(RuntimeError), atomic_batch() as batch:
        widgets.create(widget, writer=batch)
        raise RuntimeError("fails midway")
    assert widgets.get(widget.id) is None


def test_write_many_commits_large_sets_in_chunks(widgets):
    written = widgets.write_many(make(widgets, rank=i) for i in range(950))
    assert written == 950
    assert widgets.count() == 950
    assert sum(1 for _ in widgets.stream_all(page_size=300)) == 950


def test_a_subcollection_repository_only_sees_its_parents_documents():
    tenant_id = unique_id("t")
    parent = paths.tenant_collection(tenant_id, "widgets")
    first = SubcollectionRepository(Widget, parent.document("a"), "parts")
    second = SubcollectionRepository(Widget, parent.document("b"), "parts")
    first.create(Widget(id="p1", tenant_id=tenant_id, name="x"))
    assert first.get("p1") is not None
    assert second.get("p1") is None
    assert str(first.path) == f"tenants/{tenant_id}/widgets/a/parts"


def test_a_unit_of_work_that_raises_after_staging_writes_commits_nothing(widgets):
    from shared.unit_of_work import in_transaction

    existing = widgets.create(make(widgets, rank=1))

    def work(uow):
        repo = uow.bind(widgets)
        current = repo.require(existing.id)
        repo.update(current.id, {"rank": current.rank + 1})
        repo.create(make(widgets))
        raise ValueError("a rule refused after staging")

    with pytest.raises(ValueError):
        in_transaction(work)

    assert widgets.require(existing.id).rank == 1
    assert widgets.count() == 1


def test_a_batch_unit_of_work_writes_everything_at_once(widgets):
    from shared.unit_of_work import in_batch

    docs = [make(widgets, rank=n) for n in range(3)]
    in_batch(lambda uow: [uow.bind(widgets).create(d) for d in docs])

    assert sorted(w.rank for w in widgets.get_many(d.id for d in docs).values()) == [0, 1, 2]


def test_a_collection_group_query_finds_documents_across_tenants():
    from shared.repository import CollectionGroup

    name = f"gadgets{unique_id('g').replace('-', '')}"
    for tenant in (unique_id("t"), unique_id("t")):
        repo = CollectionRepository(Widget, paths.tenant_collection(tenant, name))
        repo.create(Widget(id=repo.new_id(), tenant_id=tenant, name="shared-name", rank=1))
        repo.create(Widget(id=repo.new_id(), tenant_id=tenant, name="other", rank=2))

    group = CollectionGroup(Widget, name)
    found = group.query(where("name", "==", "shared-name"), limit=10).items

    assert len(found) == 2 and len({w.tenant_id for w in found}) == 2
    assert group.count(where("rank", "==", 2)) == 2


def test_a_collection_group_pages_with_cursors():
    from shared.repository import CollectionGroup

    name = f"pieces{unique_id('g').replace('-', '')}"
    for tenant in (unique_id("t"), unique_id("t"), unique_id("t")):
        repo = CollectionRepository(Widget, paths.tenant_collection(tenant, name))
        repo.create(Widget(id="same-id", tenant_id=tenant, name="p"))

    group = CollectionGroup(Widget, name)
    seen, cursor = [], None
    for _ in range(4):  # bounded: a cursor that does not advance must fail, not loop
        page = group.query(limit=2, cursor=cursor)
        seen += [w.tenant_id for w in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(seen) == 3 and len(set(seen)) == 3


def test_a_unary_read_gives_the_snapshot_the_client_library_gives():
    ref = firestore_client().document(f"tenants/{unique_id('t')}/widgets/w1")
    stored = {
        "name": "Wheel",
        "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "nested": {"list": [1, "two", None], "flag": True},
        "ref": ref,
    }
    ref.set(stored)

    unary, library = get_document(ref), ref.get()

    assert unary.exists and unary.to_dict() == library.to_dict()
    assert unary.update_time == library.update_time
    assert unary.create_time == library.create_time
    assert get_document(ref, field_paths=["nested.flag"]).to_dict() == {"nested": {"flag": True}}


def test_a_unary_read_of_a_missing_document_is_a_snapshot_that_does_not_exist():
    ref = firestore_client().document(f"tenants/{unique_id('t')}/widgets/none")

    snapshot = get_document(ref)

    assert not snapshot.exists and snapshot.to_dict() is None
