"""The one wrapper every callable goes through.

``@callable_endpoint(RequestModel, permission=...)`` turns a plain function
``(ctx: AuthContext, request: RequestModel) -> Model | dict`` into the handler that
``https_fn.on_call`` expects. In order it: requires a signed-in caller (``unauthenticated``),
optionally re-verifies the token against revocation, checks the declared permission
(``permission-denied``), validates the payload (``invalid-argument`` naming the fields), runs the
function, and shapes the answer. Domain errors map to their codes; anything else is logged with
context and answered as ``internal``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from firebase_functions import https_fn
from pydantic import BaseModel, ValidationError

from shared import logs
from shared.auth_context import AuthContext
from shared.errors import AppError, Unauthenticated, invalid_argument_from

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[AuthContext, M], BaseModel | dict[str, Any] | None]

_CODES = {code.value: code for code in https_fn.FunctionsErrorCode}
_log = logs.get_logger("callables")
_caller_address: contextvars.ContextVar[str] = contextvars.ContextVar(
    "caller_address", default="unknown"
)


def caller_address() -> str:
    """The network address of the current callable's caller, for per-caller throttles.

    The rightmost ``X-Forwarded-For`` entry: Google's front end appends the address it saw to
    whatever the client sent, so the entries before it are the client's to invent, the last one
    is not. Without the header (a direct connection), the socket's peer address.
    """
    return _caller_address.get()


def _address_of(request: https_fn.CallableRequest[Any]) -> str:
    raw = request.raw_request
    forwarded = [h.strip() for h in (raw.headers.get("X-Forwarded-For") or "").split(",")]
    hops = [h for h in forwarded if h]
    return hops[-1] if hops else (raw.remote_addr or "unknown")


def to_https_error(error: AppError) -> https_fn.HttpsError:
    """The callable error a client sees for a domain error."""
    code = _CODES.get(error.code, https_fn.FunctionsErrorCode.INTERNAL)
    return https_fn.HttpsError(code, error.message, error.details)


def _verify_not_revoked(request: https_fn.CallableRequest[Any]) -> None:
    """Re-verify the caller's ID token with the revocation check (a revoked admin stops now)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    header = request.raw_request.headers.get("Authorization", "")
    try:
        auth.verify_id_token(header.removeprefix("Bearer "), app=admin_app(), check_revoked=True)
    except (auth.RevokedIdTokenError, auth.UserDisabledError) as error:
        raise Unauthenticated("The session was revoked", type="auth/revoked") from error


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
                if public:
                    _caller_address.set(_address_of(request))
                try:
                    if public and request.auth is None:
                        ctx = AuthContext.anonymous()
                    else:
                        token = request.auth.token if request.auth else None
                        uid = request.auth.uid if request.auth else None
                        ctx = AuthContext.from_claims(uid, token)
                    logs.bind(uid=ctx.uid, tenantId=ctx.tenant_id)
                    if check_revoked:
                        _verify_not_revoked(request)
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
