"""A trigger's document write as plain data, and the events derived from it (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from firebase_functions import firestore_fn
from google.cloud.firestore_v1.base_document import DocumentSnapshot

from shared.document_changes import DocumentChange, before_after, data_after

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def snapshot(data: dict[str, Any] | None) -> DocumentSnapshot:
    return DocumentSnapshot(None, data, data is not None, NOW, NOW, NOW)


def written(before: dict[str, Any] | None, after: dict[str, Any] | None) -> firestore_fn.Event:
    """The event an ``on_document_written`` trigger receives, as the SDK builds it."""
    return firestore_fn.Event(
        specversion="1.0",
        id="cause-1",
        source="firestore",
        type="google.cloud.firestore.document.v1.written",
        time=NOW,
        data=firestore_fn.Change(before=snapshot(before), after=snapshot(after)),
        subject=None,
        location="nam5",
        project="demo-foundation",
        database="(default)",
        namespace="(default)",
        document="tenants/t1/users/u1",
        params={"tenantId": "t1", "userId": "u1"},
    )


def test_a_creation_has_no_data_before_and_a_deletion_none_after():
    assert before_after(written(None, {"a": 1})) == (None, {"a": 1})
    assert before_after(written({"a": 1}, None)) == ({"a": 1}, None)
    assert before_after(written({"a": 1}, {"a": 2})) == ({"a": 1}, {"a": 2})
    assert data_after(written({"a": 1}, None)) is None


def test_each_event_type_of_a_change_has_its_own_id_and_a_redelivery_the_same_ones():
    change = DocumentChange("cause-1", "t1", "u1", {"a": 1}, {"a": 2}, {"type": "staff"})

    updated, disabled = change.event("user.updated", {"x": 1}), change.event("user.disabled", {})

    assert (updated.id, disabled.id) == ("cause-1-updated", "cause-1-disabled")
    assert updated.data == {"type": "staff", "x": 1} and updated.subject_id == "u1"
    assert change.event("user.updated", {"x": 1}).id == updated.id


def test_the_changed_fields_leave_out_bookkeeping_and_count_added_and_removed_fields():
    before = {"name": "A", "gone": 1, "updatedAt": NOW, "version": 1}
    after = {"name": "B", "new": 2, "updatedAt": datetime.now(UTC), "version": 2}

    assert DocumentChange("c", "t", "s", before, after).changed_fields() == ["gone", "name", "new"]
