"""The notifications service's Firestore and task queue, in memory, for unit tests of the
modules that run their own units (delivery, dispatch, digests, nudges, settings).

``fake_notifications(monkeypatch)`` points those modules' ``in_transaction`` at one
:class:`FakeUnitOfWork` store, makes a repository's direct reads and writes (outside a unit)
act on the same store, and records ``shared.tasks.enqueue`` instead of calling Cloud Tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from shared.repository import CollectionRepository
from tests.support.fake_uow import FakeUnitOfWork

_MODULES = ("delivery", "dispatch", "digests", "nudges", "settings")


@dataclass
class Queued:
    function: str
    payload: Any
    task_id: str | None
    delay_seconds: int | None


@dataclass
class FakeTasks:
    """Queued tasks in order; a name queued twice is kept once (the queue dedupes);
    ``fail_next`` makes that many calls raise, as a Cloud Tasks outage would."""

    queued: list[Queued] = field(default_factory=list)
    fail_next: int = 0

    def enqueue(
        self,
        function_name: str,
        payload: Any,
        *,
        at: Any = None,
        delay_seconds: int | None = None,
        task_id: str | None = None,
    ) -> str | None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("Cloud Tasks unavailable")
        if task_id is not None and task_id in self.names:
            return None
        self.queued.append(Queued(function_name, payload, task_id, delay_seconds))
        return task_id

    @property
    def names(self) -> list[str | None]:
        return [q.task_id for q in self.queued]


@dataclass
class FakeNotifications:
    uow: FakeUnitOfWork
    tasks: FakeTasks

    def docs(self, repository: CollectionRepository[Any]) -> dict[str, Any]:
        return self.uow.store.get(str(repository.path), {})

    def seed(self, repository: CollectionRepository[Any], *docs: Any) -> None:
        self.uow.seed(repository, *docs)


def fake_notifications(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    import importlib

    uow = FakeUnitOfWork()
    tasks = FakeTasks()

    def run(work: Callable[[Any], Any], **_: Any) -> Any:
        return FakeUnitOfWork(uow.store).run(work)

    def direct(name: str) -> Callable[..., Any]:
        def call(self: CollectionRepository[Any], *args: Any, **kwargs: Any) -> Any:
            kwargs.pop("writer", None)
            kwargs.pop("transaction", None)
            return run(lambda u: getattr(u.bind(self), name)(*args, **kwargs))

        return call

    for name in ("get", "get_many", "create", "set", "update", "delete"):
        monkeypatch.setattr(CollectionRepository, name, direct(name))
    for module in _MODULES:
        found = importlib.import_module(f"notifications.{module}")
        monkeypatch.setattr(found, "in_transaction", run)
    monkeypatch.setattr("shared.tasks.enqueue", tasks.enqueue)
    return FakeNotifications(uow, tasks)
