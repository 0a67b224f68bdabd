"""Callables for a tenant's API keys (``tenant.api_keys.manage``: tenant admins for their own
tenant, platform admins for any named one). Creating, rotating and revoking change who can reach
the tenant's data, so the caller's token is checked for revocation."""

from __future__ import annotations

from customer import keys
from customer.models.keys import (
    ApiKeyAnswer,
    ApiKeyPage,
    ApiKeyPublic,
    ApiKeyRef,
    CreateApiKey,
    IssuedApiKey,
    ListApiKeys,
)
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call
from shared.unit_of_work import in_transaction

PERMISSION = "tenant.api_keys.manage"


@on_call()
@callable_endpoint(CreateApiKey, permission=PERMISSION, check_revoked=True)
def customer_create_api_key(ctx: AuthContext, req: CreateApiKey) -> IssuedApiKey:
    tenant_id = ctx.tenant(req.tenant_id)
    issued = in_transaction(lambda uow: keys.create_api_key(uow, tenant_id, ctx.uid, req))
    return _issued(issued)


@on_call()
@callable_endpoint(ListApiKeys, permission=PERMISSION)
def customer_list_api_keys(ctx: AuthContext, req: ListApiKeys) -> ApiKeyPage:
    page = keys.list_api_keys(ctx.tenant(req.tenant_id), req)
    return ApiKeyPage(
        api_keys=[ApiKeyPublic.of(k) for k in page.items], next_cursor=page.next_cursor
    )


@on_call()
@callable_endpoint(ApiKeyRef, permission=PERMISSION, check_revoked=True)
def customer_rotate_api_key(ctx: AuthContext, req: ApiKeyRef) -> IssuedApiKey:
    tenant_id = ctx.tenant(req.tenant_id)
    return _issued(in_transaction(lambda uow: keys.rotate_api_key(uow, tenant_id, req.key_id)))


@on_call()
@callable_endpoint(ApiKeyRef, permission=PERMISSION, check_revoked=True)
def customer_revoke_api_key(ctx: AuthContext, req: ApiKeyRef) -> ApiKeyAnswer:
    tenant_id = ctx.tenant(req.tenant_id)
    key = in_transaction(lambda uow: keys.revoke_api_key(uow, tenant_id, req.key_id, ctx.uid))
    return ApiKeyAnswer(key_id=key.id, key=ApiKeyPublic.of(key))


def _issued(issued: keys.IssuedKey) -> IssuedApiKey:
    return IssuedApiKey(
        key_id=issued.key.id, key=ApiKeyPublic.of(issued.key), api_key=issued.plaintext
    )
