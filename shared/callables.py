"""The one wrapper every callable goes through.

``@callable_endpoint(RequestModel, permission=...)`` turns a plain function
``(ctx: AuthContext, request: RequestModel) -> Model | dict`` into the handler that
``https_fn.on_call`` expects. In order it: requires a signed-in caller (``unauthenticated``),
refuses a deactivated caller (``shared.caller_status``: at once, not when the token expires;
with ``check_revoked`` also a revoked session), checks the declared permission
(``permission-denied``), validates the payload (``invalid-argument`` naming the fields), runs the
function, and shapes the answer. Domain errors map to their codes; anything else is logged with
context and answered as ``internal``.

Validation is strict for every callable alike: the payload must be a JSON object (``null`` or no
data stands for ``{}``), scalars are not coerced (``true`` is no integer, ``"3"`` no number), and
unknown keys are refused at every depth, nested objects included (pydantic's strict mode and a
validation-time ``extra="forbid"``; stored models stay lenient when they read documents).

``on_call`` replaces ``https_fn.on_call``: a body that is not JSON, or nested deeper than
:data:`MAX_BODY_DEPTH`, gets ``invalid-argument`` here, where the SDK would parse it inside its
own handler and answer ``internal`` (HTTP 500), or Flask a bare 500 (``RecursionError``).
"""

from __future__ import annotations

import contextvars
import functools
import json
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from firebase_functions import https_fn
from pydantic import BaseModel, ValidationError

from shared import caller_status, logs
from shared.auth_context import AuthContext
from shared.errors import (
    AppError,
    InvalidArgument,
    field_name,
    invalid_argument_from,
)

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_DEPTH = 16
"""Nesting deeper than any request model: refused before validation walks it."""


def find_bad_text(value: Any, path: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The first string (value or key) with a control character other than newline, tab and
    carriage return, or a nesting deeper than :data:`MAX_DEPTH`, as ``(field, message)``.

    A net under the typed fields of :mod:`shared.types`: it also covers nested models shared
    with stored documents (addresses, settings) and map keys, whatever their declared type.
    """
    if len(path) > MAX_DEPTH:
        return field_name(path), f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, str):
        return (
            (field_name(path), "control characters are not allowed")
            if _CONTROL.search(value)
            else None
        )
    items: Any = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        here = (*path, str(key))
        if isinstance(key, str) and _CONTROL.search(key):
            return field_name(here), "control characters are not allowed in keys"
        if found := find_bad_text(item, here):
            return found
    return None


def parse_payload(request_model: type[M], data: Any) -> M:
    """The payload as ``request_model``: a JSON object, validated strictly (see the module)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidArgument(
            "Invalid request: the payload must be an object",
            fields=[{"field": "(request)", "message": "must be a JSON object"}],
        )
    if problem := find_bad_text(data):
        field, message = problem
        raise InvalidArgument(
            f"Invalid request: {field}", fields=[{"field": field, "message": message}]
        )
    # A model that declares ``extra="allow"`` takes its own keys at the top level (a profile
    # write: ``{"displayName": ...}``) and validates them itself, strictly, field by field.
    extra: Literal["forbid"] | None = (
        None if request_model.model_config.get("extra") == "allow" else "forbid"
    )
    try:
        return request_model.model_validate_json(json.dumps(data), strict=True, extra=extra)
    except ValidationError as error:
        raise invalid_argument_from(error) from error


def on_call(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``https_fn.on_call(**options)``, with malformed JSON bodies answered ``invalid-argument``.

    The SDK reads the body with Flask's ``request.json`` inside its handler, so a body that is
    not JSON (or JSON but no object: ``5``) raises there and becomes ``INTERNAL`` before our
    wrapper runs; a body nested past the parser's recursion (a thousand ``[``) raises
    ``RecursionError`` even through ``get_json(silent=True)``, which Flask answers with a bare
    HTTP 500, signed in or not. This checks a JSON-typed body first (an object, at most
    :data:`MAX_BODY_DEPTH` levels deep) and answers in the callable protocol's error shape (HTTP
    400); anything else (CORS preflight, a well-formed body) goes to the SDK untouched.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sdk_handler: Callable[[Any], Any] = https_fn.on_call(**options)(func)  # takes a Request

        @functools.wraps(sdk_handler)
        def handler(request: https_fn.Request) -> Any:
            if request.method == "POST" and request.is_json:
                try:
                    body = request.get_json(silent=True)
                except RecursionError:  # nested deeper than the parser recurses
                    return _malformed_body(request, "nested too deeply")
                if not isinstance(body, dict):
                    return _malformed_body(request)
                if nested_deeper_than(body, MAX_BODY_DEPTH):
                    return _malformed_body(request, "nested too deeply")
            return sdk_handler(request)

        return handler

    return decorate


MAX_BODY_DEPTH = 256
"""Nesting a body may have before the SDK reads it again: far above any request model (whose
own limit, :data:`MAX_DEPTH`, is named field by field in :func:`parse_payload`), far below the
~1,000 frames at which Python's JSON parser (and any walk of the result) raises
``RecursionError``, which Flask and the SDK would answer with a bare HTTP 500."""


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` holds objects or lists nested more than ``limit`` levels (walked with
    a stack of its own, so the check cannot itself run out of recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
    return False


def _malformed_body(request: https_fn.Request, problem: str = "not a JSON object") -> Any:
    from flask import jsonify

    _log.info("refused: malformed JSON body (%s)", problem, extra={"path": request.path})
    error = https_fn.HttpsError(
        https_fn.FunctionsErrorCode.INVALID_ARGUMENT,
        f"The request body is {problem}",
        {
            "type": "validation/malformed-json",
            "fields": [{"field": "(body)", "message": problem}],
        },
    )
    response = jsonify(error=error._as_dict())
    response.status_code = 400
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response.headers["Vary"] = "Origin"
    return response


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
                    if ctx.uid:  # a deactivated caller is stopped at once (caller_status)
                        id_token = caller_status.bearer_token(request.raw_request)
                        caller_status.require_active(ctx, id_token, check_revoked=check_revoked)
                    if permission is not None:
                        ctx.require(permission)
                    payload = parse_payload(request_model, request.data)
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

        # what tests (the bad-input sweep) and tools read to know a callable's contract
        endpoint.request_model = request_model  # type: ignore[attr-defined]
        endpoint.permission = permission  # type: ignore[attr-defined]
        endpoint.public = public  # type: ignore[attr-defined]
        return endpoint

    return decorate
