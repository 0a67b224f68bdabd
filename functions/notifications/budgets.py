"""The per-address email budget: at most so many emails of one notification to one address per
window (``emailBudget`` in ``static/notifications.yaml``).

Without it, thirty parallel invitations of one address sent thirty emails, and ten mentions
ten: a member or a tenant admin could flood anyone's inbox through the platform's server (and
its reputation). The count is taken at delivery in one transaction with the delivery record
(``budgetCounted``), so thirty parallel deliveries cannot all read the same count and all send,
and a retried attempt (after a contention or a provider failure) neither counts twice nor
slips past the budget. The counter is per tenant (the platform's own mail counts apart), so one
tenant cannot spend another's budget for an address; its id is a digest, never the address.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications import records
from notifications import repositories as repos
from notifications.channels import Undeliverable
from notifications.decisions import SkipReason
from notifications.definitions import definitions
from notifications.models.deliveries import DeliveryRecord, EmailBudgetCount
from shared.unit_of_work import UnitOfWork, in_transaction


def take_email(record: DeliveryRecord, address: str | None) -> None:
    """Count this email against its address's budget once; ``Undeliverable(budget)`` past it."""
    if not address or record.budget_counted:
        return
    budget = definitions().budget_of(record.notification_id)
    window = timedelta(seconds=budget.window_seconds)
    counter_id = "b" + records.digest(record.notification_id, address.strip().lower())

    def work(uow: UnitOfWork) -> bool:
        deliveries = uow.bind(repos.deliveries(record.tenant_id))
        counters = uow.bind(repos.email_budgets(record.tenant_id))
        current, counter = deliveries.get(record.id), counters.get(counter_id)
        if current is not None and current.budget_counted:
            return True
        now = datetime.now(UTC)
        if counter is None or now - counter.window_start >= window:
            counter = EmailBudgetCount(id=counter_id, window_start=now, count=0)
        if counter.count >= budget.limit:
            return False
        counters.set(
            counter.model_copy(update={"count": counter.count + 1, "expire_at": now + window})
        )
        deliveries.update(record.id, {"budget_counted": True})
        return True

    if not in_transaction(work):
        raise Undeliverable(SkipReason.BUDGET)
