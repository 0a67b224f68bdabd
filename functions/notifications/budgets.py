"""The per-address email budget: at most so many emails of one notification to one address per
window (``emailBudget`` in ``static/notifications.yaml``).

Without it, thirty parallel invitations of one address sent thirty emails, and ten mentions
ten: a member or a tenant admin could flood anyone's inbox through the platform's server (and
its reputation). Each email takes a numbered *slot* of its window (``{digest}-{window}-{n}``,
n below the limit) by creating its document: a create either wins or finds the slot taken, so
thirty parallel deliveries cannot all take the last one, and nobody waits on a lock (a single
counter read and written in a transaction made them queue on it until the emulator's lock
timeout, and most deliveries died instead of being skipped). A slot names its delivery, so a
retried attempt finds its own slot and is neither counted twice nor refused. Windows are fixed
(aligned on the epoch), per tenant (the platform's own mail counts apart, so one tenant cannot
spend another's budget for an address); ids are digests, never the address.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications import records
from notifications import repositories as repos
from notifications.channels import Undeliverable
from notifications.decisions import SkipReason
from notifications.definitions import definitions
from notifications.models.deliveries import DeliveryRecord, EmailBudgetSlot
from shared.errors import AlreadyExists


def take_email(record: DeliveryRecord, address: str | None) -> None:
    """Take a slot of this email's budget once; ``Undeliverable(budget)`` when none is left."""
    if not address or record.budget_counted:
        return
    budget = definitions().budget_of(record.notification_id)
    now = datetime.now(UTC)
    window = int(now.timestamp()) // budget.window_seconds
    base = "b" + records.digest(record.notification_id, address.strip().lower(), str(window))
    slots = repos.email_budgets(record.tenant_id)
    expire_at = now + timedelta(seconds=2 * budget.window_seconds)
    for number in range(budget.limit):
        slot = EmailBudgetSlot(id=f"{base}-{number}", delivery_id=record.id, expire_at=expire_at)
        try:
            slots.create(slot)
        except AlreadyExists:
            taken = slots.get(slot.id)
            if taken is None or taken.delivery_id != record.id:
                continue  # someone else's email
        repos.deliveries(record.tenant_id).update(record.id, {"budget_counted": True})
        return
    raise Undeliverable(SkipReason.BUDGET)
