"""Background functions of the customer service.

- ``customer_on_tenant_written`` (Firestore): turns tenant writes into ``customer.*`` events;
  a re-delivered trigger emits the same event ids.
- ``customer_close_expired_tenants`` (schedule): closes tenants whose grace period ended;
  re-running closes nothing twice.
"""

from __future__ import annotations

from typing import Any

from firebase_functions import firestore_fn, scheduler_fn

from customer import lifecycle, tenant_events
from shared import events, logs
from shared.document_changes import before_after

TENANT_DOCUMENT = "tenants/{tenantId}"


@firestore_fn.on_document_written(document=TENANT_DOCUMENT)
def customer_on_tenant_written(event: firestore_fn.Event[firestore_fn.Change[Any]]) -> None:
    tenant_id = event.params["tenantId"]
    with logs.invocation("customer_on_tenant_written", tenantId=tenant_id):
        found = tenant_events.events_for_change(event.id, tenant_id, *before_after(event))
        if found:
            events.publish(found)


@scheduler_fn.on_schedule(schedule="30 2 * * *", timezone=scheduler_fn.Timezone("UTC"))
def customer_close_expired_tenants(event: scheduler_fn.ScheduledEvent) -> None:
    with logs.invocation("customer_close_expired_tenants"):
        lifecycle.close_expired_tenants()
