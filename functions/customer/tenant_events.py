"""What a write of a tenant document means, as ``customer.*`` domain events.

Every change emits ``customer.updated`` with the names of the changed top-level fields
(``changedFields``); a status change emits its lifecycle event as well. Event ids derive from
the trigger's event id, so a re-delivered trigger emits the same events, which consumers ignore.
"""

from __future__ import annotations

from typing import Any

from shared.document_changes import DocumentChange, iso
from shared.events import DomainEvent

CREATED = "customer.created"
UPDATED = "customer.updated"
DEACTIVATED = "customer.deactivated"
REACTIVATED = "customer.reactivated"
CLOSED = "customer.closed"

_LIFECYCLE = {
    ("active", "deactivated"): DEACTIVATED,
    ("deactivated", "active"): REACTIVATED,
    ("deactivated", "closed"): CLOSED,
    ("active", "closed"): CLOSED,
}


def events_for_change(
    cause_id: str, tenant_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[DomainEvent]:
    """The events of one tenant write (none for a deletion: tenants are closed, not deleted)."""
    if after is None:
        return []
    change = DocumentChange(cause_id, tenant_id, tenant_id, before, after)
    event = change.event
    if before is None:
        return [event(CREATED, {"name": after.get("name"), "products": after.get("products")})]
    changed = change.changed_fields()
    if not changed:
        return []
    found = [event(UPDATED, {"changedFields": changed, "products": after.get("products")})]
    lifecycle = _LIFECYCLE.get((before.get("status"), after.get("status")))  # type: ignore[arg-type]
    if lifecycle is not None:
        deactivation = after.get("deactivation") or {}
        found.append(
            event(
                lifecycle,
                {
                    "reason": deactivation.get("reason"),
                    "gracePeriodEndsAt": iso(deactivation.get("gracePeriodEndsAt")),
                },
            )
        )
    return found
