"""A Firestore document write as plain data, and the domain events derived from it.

Every ``on_document_written`` trigger starts the same way (the data before and after the
write, ``None`` where the document did not exist) and every service that announces its
documents' changes names its events the same way (one id per trigger event and event type, so
a re-delivered trigger emits the same ids, which consumers ignore). Both are written here once.
No SDK import: the trigger's event is only read through its attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.events import DomainEvent, new_event

Data = dict[str, Any]

BOOKKEEPING = frozenset({"updatedAt", "createdAt", "version"})
"""Fields every repository write touches: never a change worth announcing."""


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], *, ignored: frozenset[str] = BOOKKEEPING
) -> list[str]:
    """The top-level fields of a document write whose values differ (added and removed ones
    included), for ``<service>.updated`` events' ``changedFields``."""
    keys = (before.keys() | after.keys()) - ignored
    return sorted(key for key in keys if before.get(key) != after.get(key))


def iso(value: Any) -> str | None:
    """A stored timestamp as ISO 8601 text for an event's data (None when absent)."""
    return value.isoformat() if hasattr(value, "isoformat") else None


def _data(snapshot: Any) -> Data | None:
    return snapshot.to_dict() if snapshot is not None and snapshot.exists else None


def before_after(event: Any) -> tuple[Data | None, Data | None]:
    """The written document's data before and after the write of a Firestore trigger's
    ``event`` (a ``firestore_fn.Event[Change[DocumentSnapshot]]``); ``None`` where it did not
    exist (a creation has no before, a deletion no after)."""
    return _data(event.data.before), _data(event.data.after)


def data_after(event: Any) -> Data | None:
    """The written document's data after the write (``None`` after a deletion)."""
    return _data(event.data.after)


@dataclass(frozen=True)
class DocumentChange:
    """One write of a document that stands for ``subject_id`` in ``tenant_id``, caused by the
    trigger event ``cause_id``: what the event builders of a service read."""

    cause_id: str
    tenant_id: str
    subject_id: str
    before: Data | None
    after: Data | None
    common: Mapping[str, Any] = field(default_factory=dict)
    """Data every event of this change carries (before the event's own)."""

    def changed_fields(self, ignored: frozenset[str] = BOOKKEEPING) -> list[str]:
        """The top-level fields whose values differ (a missing side counts as empty)."""
        return changed_fields(self.before or {}, self.after or {}, ignored=ignored)

    def event(self, type: str, data: Mapping[str, Any]) -> DomainEvent:
        """An event of this change. Its id is the cause's id and the type's verb
        (``{cause}-updated``): one change emits each type once, a re-delivery the same ids."""
        return new_event(
            type,
            tenant_id=self.tenant_id,
            subject_id=self.subject_id,
            event_id=f"{self.cause_id}-{type.split('.', 1)[1]}",
            data={**self.common, **data},
        )
