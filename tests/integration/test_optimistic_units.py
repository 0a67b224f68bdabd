"""Units of work over hot documents (repositories declared ``optimistic``), against the
Firestore emulator: reads take no lock, writes are conditional on the version read, and a unit
whose document moved meanwhile runs again on the new version, so concurrent read-then-write
units on one document all commit, exactly, where locking ones wait out the emulator's 30 s
lock timeout and answer ``aborted``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from shared import paths
from shared.models import Document
from shared.repository import CollectionRepository
from shared.unit_of_work import UnitOfWork, in_transaction
from tests.support.users import unique_id


class Counter(Document):
    tenant_id: str
    value: int = 0


def counters(*, optimistic: bool = True) -> CollectionRepository[Counter]:
    return CollectionRepository(
        Counter, paths.tenant_collection(unique_id("t"), "counters"), optimistic=optimistic
    )


def add_one(repo: CollectionRepository[Counter], doc_id: str, uow: UnitOfWork) -> int:
    """A read-then-write: the value read plus one."""
    bound = uow.bind(repo)
    current = bound.require(doc_id)
    bound.update(doc_id, {"value": current.value + 1})
    return current.value + 1


def test_concurrent_read_then_write_units_on_one_hot_document_all_commit_exactly():
    repo = counters()
    doc = repo.create(Counter(id="c", tenant_id="t"))
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(lambda _: in_transaction(lambda uow: add_one(repo, doc.id, uow)), range(12))
        )
    assert repo.require(doc.id).value == 12
    assert sorted(answers) == list(range(1, 13))  # each unit saw the one before it


def test_a_unit_whose_document_was_written_after_its_read_runs_again_on_the_new_version():
    repo = counters()
    doc = repo.create(Counter(id="c", tenant_id="t", value=1))
    attempts: list[int] = []

    def work(uow: UnitOfWork) -> int:
        bound = uow.bind(repo)
        current = bound.require(doc.id)
        attempts.append(current.value)
        if len(attempts) == 1:  # someone else writes between this unit's read and its commit
            repo.update(doc.id, {"value": 10})
        bound.update(doc.id, {"value": current.value + 1})
        return current.value + 1

    assert in_transaction(work) == 11
    assert attempts == [1, 10]
    assert repo.require(doc.id).value == 11


def test_a_unit_that_read_a_document_as_absent_runs_again_when_it_was_created_meanwhile():
    repo = counters()
    seen: list[int | None] = []

    def work(uow: UnitOfWork) -> None:
        bound = uow.bind(repo)
        current = bound.get("c")
        seen.append(None if current is None else current.value)
        if len(seen) == 1:
            repo.create(Counter(id="c", tenant_id="t", value=5))
        bound.set(Counter(id="c", tenant_id="t", value=(current.value if current else 0) + 1))

    in_transaction(work)
    assert seen == [None, 5]
    assert repo.require("c").value == 6


def test_a_hot_document_only_read_is_not_a_condition_of_the_commit():
    hot, other = counters(), counters(optimistic=False)
    hot.create(Counter(id="h", tenant_id="t", value=1))
    attempts = 0

    def work(uow: UnitOfWork) -> None:
        nonlocal attempts
        attempts += 1
        read = uow.bind(hot).require("h")
        hot.update("h", {"value": 2})  # moves after the read; this unit never writes it
        uow.bind(other).set(Counter(id="o", tenant_id="t", value=read.value))

    in_transaction(work)
    assert attempts == 1
    assert other.require("o").value == 1
