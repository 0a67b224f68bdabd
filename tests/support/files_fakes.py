"""Helpers of the files unit tests: an in-memory bucket, and the files service's entry modules
wired to it and to the in-memory unit of work (no emulator, no network)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from files import cleanup, clones, objects, storage_events
from files import repositories as repos
from files.content import HEAD_BYTES, StoredObject
from shared import events as shared_events
from shared.events import DomainEvent
from shared.repository import CollectionRepository
from tests.support.fake_uow import FakeUnitOfWork


class FakeBucket:
    """Objects by name (body and content type); records deletions."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str, int]] = {}
        self.deleted: list[str] = []
        self._generation = 0

    def put(self, name: str, body: bytes, content_type: str) -> StoredObject:
        self._generation += 1
        self.bodies[name] = (body, content_type, self._generation)
        found = self.inspect(name)
        assert found is not None
        return found

    def inspect(self, name: str) -> StoredObject | None:
        if name not in self.bodies:
            return None
        body, content_type, generation = self.bodies[name]
        return StoredObject(
            name=name,
            size=len(body),
            content_type=content_type,
            md5_hash=hashlib.md5(body).hexdigest(),
            crc32c="crc",
            generation=str(generation),
            head=body[:HEAD_BYTES],
        )

    def exists(self, name: str) -> bool:
        return name in self.bodies

    def delete(self, name: str) -> bool:
        self.deleted.append(name)
        return self.bodies.pop(name, None) is not None

    def copy(self, source: str, target: str) -> StoredObject | None:
        if source not in self.bodies:
            return None
        body, content_type, _ = self.bodies[source]
        return self.put(target, body, content_type)

    def read(self, name: str, *, max_bytes: int) -> bytes | None:
        found = self.bodies.get(name)
        return found[0] if found is not None and len(found[0]) <= max_bytes else None

    def create(self, name: str, data: bytes, content_type: str) -> bool:
        if name in self.bodies:
            return False
        self.put(name, data, content_type)
        return True


def wire(
    monkeypatch: pytest.MonkeyPatch, uow: FakeUnitOfWork, bucket: FakeBucket
) -> list[DomainEvent]:
    """Point the files modules at ``bucket`` and ``uow``: units of work run on the fake and,
    like the real ``in_transaction``, publish their events after the commit (through
    ``shared.events.publish``, here recorded in the list returned: patch it to fail a publish);
    plain repository reads read its store; ``stale_pending`` lists its pending receipts."""
    published: list[DomainEvent] = []

    def publish(events: Iterable[DomainEvent]) -> list[str]:
        sent = list(events)
        published.extend(sent)
        return [event.id for event in sent]

    monkeypatch.setattr(shared_events, "publish", publish)

    def in_transaction(work: Callable[[Any], Any], *, publish: bool = True, **_: Any) -> Any:
        result = uow.run(work)
        if publish and uow.events:
            shared_events.publish(uow.events)
        return result

    for name in ("inspect", "exists", "delete", "copy", "read", "create"):
        monkeypatch.setattr(objects, name, getattr(bucket, name))
    for module in (cleanup, clones, storage_events):
        monkeypatch.setattr(module, "in_transaction", in_transaction)

    def get(repository: CollectionRepository[Any], doc_id: str) -> Any:
        return uow.store.get(str(repository.path), {}).get(doc_id)

    monkeypatch.setattr(CollectionRepository, "get", get)
    monkeypatch.setattr(CollectionRepository, "new_id", lambda self: "copy1")

    def stale_pending(cutoff: Any) -> list[tuple[str, str]]:
        return [
            (receipt.tenant_id, receipt.id)
            for path, docs in uow.store.items()
            if path.endswith(f"/{repos.FILES}")
            for receipt in docs.values()
            if receipt.status == "pending" and receipt.created_at <= cutoff
        ]

    monkeypatch.setattr(repos, "stale_pending", stale_pending)
    return published
