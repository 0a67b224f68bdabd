"""Platform admins set a tenant's storage quota (the files service's own setting).

The override lives on the tenant's totals document (``fileUsage/totals``), which the quota
check reads in its transaction anyway: a per-tenant quota costs uploads no extra read, and it
stays the files service's data rather than a field other services would have to carry.
"""

from __future__ import annotations

from files.models.receipts import QuotaAnswer, SetTenantQuota
from files.uploads import config
from files.usage import Totals, quota_of
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import UnitOfWork, in_transaction

QUOTA_PERMISSION = "storage.quotas.set"
"""Held by platform admins only (no tenant role's pattern matches it)."""


@on_call()
@callable_endpoint(SetTenantQuota, permission=QUOTA_PERMISSION, check_revoked=True)
def files_set_tenant_quota(ctx: AuthContext, req: SetTenantQuota) -> QuotaAnswer:
    tenant_id = ctx.tenant(req.tenant_id)

    def work(uow: UnitOfWork) -> QuotaAnswer:
        totals = Totals(uow, tenant_id).override(req.bytes, req.files)
        quota = quota_of(totals, config().quota)
        return QuotaAnswer(
            tenant_id=tenant_id,
            quota_bytes=quota.bytes,
            quota_files=quota.files,
            used_bytes=totals.bytes,
            used_files=totals.files,
            overridden=req.bytes is not None or req.files is not None,
        )

    return in_transaction(work)
