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

import hashlib
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from shared import logs
from shared.events import DomainEvent
from shared.models import Model
from shared.repository import where
from shared.unit_of_work import UnitOfWork, in_transaction
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
    at = now or datetime.now(UTC)
    done = in_transaction(lambda uow: deidentify_profile(uow, tenant_id, user_id, at))
    _log.info("de-identification", extra={"fields": {"userId": user_id, "done": done}})
    return done


def deidentify_profile(uow: UnitOfWork, tenant_id: str, user_id: str, now: datetime) -> bool:
    """In the unit: the personal data removed if still due at ``now``; whether it was."""
    profiles = uow.bind(repos.profiles(tenant_id))
    profile = profiles.get(user_id)
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
    profiles.update(user_id, changes)
    uow.bind(repos.private_profiles(tenant_id, user_id)).delete(repos.PRIVATE_PROFILE)
    return True


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
    at = now or datetime.now(UTC)
    due = repos.profiles_everywhere().stream_all(
        where("deidentify_at", "<=", at), page_size=page_size
    )
    return sum(deidentify(profile.tenant_id, profile.id, now=at) for profile in due)
