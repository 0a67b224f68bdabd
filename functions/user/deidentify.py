"""De-identification (GDPR): a deactivated consumer's personal data is removed once the
tenant's retention period has passed (``deidentifyAt``; at once when the tenant keeps nothing).

The work runs in a transaction and only if the user is still a disabled consumer whose
``deidentifyAt`` is due and who is not de-identified yet: so a re-delivered task, a task for an
old deactivation, or one overtaken by a reactivation (which clears ``deidentifyAt``) changes
nothing. The profile keeps its id, tenant, type and roles; names become a placeholder, the rest
of the personal fields go (the private document ``users/{uid}/private/profile`` with them,
in the same transaction), ``deidentified: true``; the trigger then emits ``user.deidentified``.

Two paths reach it: the profile trigger queues ``userDeidentify`` right away when the retention
is zero, and the daily ``user_deidentify_due`` finds every due profile across tenants (Cloud
Tasks cannot schedule 90 days ahead).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from shared import logs
from shared.events import DomainEvent
from shared.models import Model
from shared.transactions import run_transaction
from user import repositories as repos
from user import user_events
from user.models.profiles import DEIDENTIFIED_NAME, PERSONAL_FIELDS, UserType

TASK_FUNCTION = "userDeidentify"
_log = logs.get_logger("user.deidentify")


class DeidentifyTask(Model):
    tenant_id: str
    user_id: str = Field(min_length=1)


def placeholders() -> dict[str, Any]:
    """What the personal fields become."""
    changes: dict[str, Any] = dict.fromkeys(PERSONAL_FIELDS)
    changes["display_name"] = DEIDENTIFIED_NAME
    changes["search_name"] = None
    changes["search_email"] = None
    return changes


def deidentify(tenant_id: str, user_id: str, *, now: datetime | None = None) -> bool:
    """Remove the user's personal data if it is due; True if this call did it."""
    profiles = repos.profiles(tenant_id)
    now = now or datetime.now(UTC)

    def work(txn: Any) -> bool:
        profile = profiles.get(user_id, transaction=txn)
        if (
            profile is None
            or not profile.disabled
            or profile.deidentified
            or profile.type is not UserType.CONSUMER
            or profile.deidentify_at is None
            or profile.deidentify_at > now
        ):
            return False
        changes = {
            **placeholders(),
            "deidentified": True,
            "deidentified_at": now,
            "deidentify_at": None,
        }
        profiles.update(user_id, changes, writer=txn)
        repos.private_profiles(tenant_id, user_id).delete(repos.PRIVATE_PROFILE, writer=txn)
        return True

    done = run_transaction(work)
    _log.info("de-identification", extra={"fields": {"userId": user_id, "done": done}})
    return done


def queue(tenant_id: str, user_id: str) -> None:
    """Queue the de-identification of one user now (the task id deduplicates)."""
    from shared.tasks import enqueue

    digest = hashlib.sha256(f"{tenant_id}/{user_id}".encode()).hexdigest()[:32]
    enqueue(
        TASK_FUNCTION,
        DeidentifyTask(tenant_id=tenant_id, user_id=user_id),
        task_id=f"deidentify-{digest}",
    )


def queue_if_due(
    tenant_id: str,
    user_id: str,
    found: list[DomainEvent],
    after: dict[str, Any] | None,
    *,
    now: datetime | None = None,
) -> bool:
    """After a profile write: queue the de-identification at once when the write disabled the
    user and ``deidentifyAt`` has already passed (a tenant that keeps nothing); a later date is
    the daily :func:`deidentify_due`'s. Whether it queued (the task id deduplicates repeats)."""
    due = (after or {}).get("deidentifyAt")
    just_disabled = any(event.type == user_events.DISABLED for event in found)
    if not (just_disabled and due and due <= (now or datetime.now(UTC))):
        return False
    queue(tenant_id, user_id)
    return True


def deidentify_due(now: datetime | None = None, *, page_size: int = 200) -> int:
    """De-identify every profile whose ``deidentifyAt`` has passed, across tenants (a
    collection-group query on ``users``, indexed in firestore.indexes.json); how many."""
    from google.cloud.firestore import FieldFilter

    from shared.clients import firestore_client

    now = now or datetime.now(UTC)
    query = (
        firestore_client()
        .collection_group(repos.USERS)
        .where(filter=FieldFilter("deidentifyAt", "<=", now))
        .order_by("deidentifyAt")
        .limit(page_size)
    )
    done = 0
    last = None
    while True:
        page = list((query.start_after(last) if last is not None else query).stream())
        for snapshot in page:
            tenant_id = str(snapshot.get("tenantId"))
            done += deidentify(tenant_id, snapshot.id, now=now)
        if len(page) < page_size:
            return done
        last = page[-1]
