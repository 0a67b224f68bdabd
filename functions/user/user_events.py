"""What a write of a user profile means, as ``user.*`` domain events.

``user.created`` and ``user.deleted`` for the document's birth and removal; every change emits
``user.updated`` with the names of the changed fields (``changedFields``, camelCase, top level);
a change of ``disabled`` adds ``user.disabled`` or ``user.reactivated``, and de-identification
adds ``user.deidentified``. Event ids derive from the trigger's event id, so a re-delivered
trigger emits the same events, which consumers ignore or apply idempotently.
"""

from __future__ import annotations

from typing import Any

from shared.document_changes import BOOKKEEPING, DocumentChange, iso
from shared.events import DomainEvent

CREATED = "user.created"
UPDATED = "user.updated"
DISABLED = "user.disabled"
REACTIVATED = "user.reactivated"
DELETED = "user.deleted"
DEIDENTIFIED = "user.deidentified"

# Beside the bookkeeping: the search copies of fields that are reported anyway, and the auth
# service's stamps of a claims change (it announces that itself: `auth.claims_set`).
_IGNORED = BOOKKEEPING | {"searchName", "searchEmail", "jwtUpdatedAt", "claimsJobId"}


def events_for_change(
    cause_id: str,
    tenant_id: str,
    user_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> list[DomainEvent]:
    """The events of one profile write."""
    common = {"type": (after or before or {}).get("type")}
    change = DocumentChange(cause_id, tenant_id, user_id, before, after, common)
    event = change.event
    if before is None and after is None:
        return []
    if before is None:
        assert after is not None
        return [event(CREATED, {"roles": after.get("roles", []), "email": after.get("email")})]
    if after is None:
        return [event(DELETED, {})]
    changed = change.changed_fields(_IGNORED)
    if not changed:
        return []
    found = [event(UPDATED, {"changedFields": changed, "roles": after.get("roles", [])})]
    if not before.get("disabled") and after.get("disabled"):
        found.append(
            event(
                DISABLED,
                {
                    "disabledBy": after.get("disabledBy"),
                    "disabledAt": iso(after.get("disabledAt")),
                },
            )
        )
    elif before.get("disabled") and not after.get("disabled"):
        found.append(event(REACTIVATED, {}))
    if not before.get("deidentified") and after.get("deidentified"):
        found.append(event(DEIDENTIFIED, {}))
    return found
