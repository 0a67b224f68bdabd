"""The one wrapper every callable goes through.

``@callable_endpoint(RequestModel, permission=...)`` turns a plain function
``(ctx: AuthContext, request: RequestModel) -> Model | dict`` into the handler that
``https_fn.on_call`` expects. In order it: requires a signed-in caller (``unauthenticated``),
refuses a deactivated caller (``shared.caller_status``: at once, not when the token expires;
with ``check_revoked`` also a revoked session), checks the declared permission
(``permission-denied``), validates the payload (``invalid-argument`` naming the fields), runs the
function, and shapes the answer. Domain errors map to their codes; anything else is logged with
context and answered as ``internal``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from firebase_functions import https_fn
from pydantic import BaseModel, ValidationError

from shared import caller_status, logs
from shared.auth_context import AuthContext
from shared.errors import AppError, invalid_argument_from

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[AuthContext, M], BaseModel | dict[str, Any] | None]

_CODES = {code.value: code for code in https_fn.FunctionsErrorCode}
_log = logs.get_logger("callables")


def to_https_error(error: AppError) -> https_fn.HttpsError:
    """The callable error a client sees for a domain error."""
    code = _CODES.get(error.code, https_fn.FunctionsErrorCode.INTERNAL)
    return https_fn.HttpsError(code, error.message, error.details)


def callable_endpoint(
    request_model: type[M],
    *,
    permission: str | None,
    check_revoked: bool = False,
    public: bool = False,
) -> Callable[[Handler[M]], Callable[[https_fn.CallableRequest[Any]], Any]]:
    """Declare a callable's payload model and the permission it needs (None: any signed-in user).

    ``public=True`` lets signed-out callers in with :meth:`AuthContext.anonymous` (e.g. asking
    for a password reset); such a callable must throttle what it does.
    """
    if public and permission is not None:
        raise ValueError("a public callable cannot require a permission")

    def decorate(handler: Handler[M]) -> Callable[[https_fn.CallableRequest[Any]], Any]:
        @functools.wraps(handler)
        def endpoint(request: https_fn.CallableRequest[Any]) -> Any:
            with logs.invocation(handler.__name__):
                try:
                    if public and request.auth is None:
                        ctx = AuthContext.anonymous()
                    else:
                        token = request.auth.token if request.auth else None
                        uid = request.auth.uid if request.auth else None
                        ctx = AuthContext.from_claims(uid, token)
                    logs.bind(uid=ctx.uid, tenantId=ctx.tenant_id)
                    if ctx.uid:  # a deactivated caller is stopped at once (caller_status)
                        id_token = caller_status.bearer_token(request.raw_request)
                        caller_status.require_active(ctx, id_token, check_revoked=check_revoked)
                    if permission is not None:
                        ctx.require(permission)
                    try:
                        payload = request_model.model_validate(request.data or {})
                    except ValidationError as error:
                        raise invalid_argument_from(error) from error
                    result = handler(ctx, payload)
                except AppError as error:
                    _log.info("refused: %s", error.message, extra={"fields": error.details})
                    raise to_https_error(error) from error
                except https_fn.HttpsError:
                    raise
                except Exception as error:
                    _log.exception("unexpected error")
                    raise https_fn.HttpsError(
                        https_fn.FunctionsErrorCode.INTERNAL, "Internal error", {"type": "internal"}
                    ) from error
                if isinstance(result, BaseModel):
                    return result.model_dump(by_alias=True, mode="json", exclude_none=True)
                return result or {}

        return endpoint

    return decorate
