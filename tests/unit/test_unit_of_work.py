"""The unit of work's contract, on the in-memory fake and on the Firestore binding's guards."""

from __future__ import annotations

import pytest

from shared import paths
from shared.errors import AlreadyExists
from shared.events import new_event
from shared.models import Document
from shared.repository import CollectionRepository
from shared.unit_of_work import FirestoreUnitOfWork
from tests.support.fake_uow import FakeUnitOfWork


class Widget(Document):
    name: str


def widgets() -> CollectionRepository[Widget]:
    return CollectionRepository(Widget, paths.tenant_collection("t1", "widgets"))


def test_a_unit_that_raises_writes_nothing_and_emits_nothing():
    uow = FakeUnitOfWork()
    uow.seed(widgets(), Widget(id="w1", name="old"))

    def work(unit: FakeUnitOfWork) -> None:
        repo = unit.bind(widgets())
        repo.update("w1", {"name": "new"})
        unit.emit(new_event("test.renamed", tenant_id="t1", subject_id="w1"))
        raise RuntimeError("a rule refused")

    with pytest.raises(RuntimeError):
        uow.run(work)

    assert uow.store[str(widgets().path)]["w1"].name == "old"
    assert uow.events == []


def test_a_unit_sees_its_own_staged_writes_and_commits_them_with_its_events():
    uow = FakeUnitOfWork()

    def work(unit: FakeUnitOfWork) -> str:
        repo = unit.bind(widgets())
        repo.create(Widget(id="w2", name="fresh"))
        unit.emit(new_event("test.created", tenant_id="t1", subject_id="w2"))
        return repo.require("w2").name

    assert uow.run(work) == "fresh"
    assert uow.store[str(widgets().path)]["w2"].name == "fresh"
    assert [e.type for e in uow.events] == ["test.created"]


def test_creating_an_existing_document_is_already_exists():
    uow = FakeUnitOfWork()
    uow.seed(widgets(), Widget(id="w1", name="old"))
    with pytest.raises(AlreadyExists):
        uow.run(lambda unit: unit.bind(widgets()).create(Widget(id="w1", name="again")))


def test_a_batch_unit_refuses_reads_it_could_not_make_consistent():
    batch_unit = FirestoreUnitOfWork(writer=object(), reads=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot read"):
        batch_unit.bind(widgets()).get("w1")


class Counter(Document):
    hits: int = 0


def test_the_fakes_increment_creates_the_counter_and_adds_up_within_a_unit():
    uow = FakeUnitOfWork()
    counters = CollectionRepository(Counter, paths.tenant_collection("t1", "counters"))

    def work(unit: FakeUnitOfWork) -> None:
        repo = unit.bind(counters)
        repo.increment("c1", {"hits": 2})
        repo.increment("c1", {"hits": -1})

    uow.run(work)
    uow.run(work)
    assert uow.store[str(counters.path)]["c1"].hits == 2
