"""``customer_api``: the HTTPS API external systems call with a tenant's API key.

    GET /v1/users      scope users.read      the tenant's users (id, email, displayName, ...)
    GET /v1/projects   scope projects.read   the tenant's projects

Both page with ``?limit=`` (1-100, default 20) and ``?cursor=`` (the ``nextCursor`` of the
previous page). The key goes in ``Authorization: Bearer <key>`` or ``X-Api-Key``. Answers are
JSON; an error is ``{"error": {"code", "message", "type", ...}}`` with 400 (bad input, fields
named), 401 (missing, bad, revoked or expired key, or an inactive tenant), 403 (a scope the key
lacks), 404 (unknown path), 405 (not GET); anything unexpected is logged and answered 500
``internal``, without internals.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from firebase_functions import https_fn
from pydantic import ValidationError

from customer.external_reads import PageQuery, projects_page, users_page
from shared import api_keys, logs
from shared.errors import AppError, NotFound, invalid_argument_from

Read = Callable[[str, PageQuery], dict[str, Any]]
ROUTES: dict[str, tuple[str, Read]] = {
    "/v1/users": ("users.read", users_page),
    "/v1/projects": ("projects.read", projects_page),
}
HTTP_STATUS = {
    "invalid-argument": 400,
    "unauthenticated": 401,
    "permission-denied": 403,
    "not-found": 404,
    "already-exists": 409,
    "failed-precondition": 409,
    "resource-exhausted": 429,
}
_log = logs.get_logger("customer_api")


@https_fn.on_request()
def customer_api(request: https_fn.Request) -> https_fn.Response:
    with logs.invocation("customer_api", method=request.method, path=request.path):
        try:
            route = ROUTES.get(request.path.rstrip("/"))
            if route is None:
                raise NotFound("No such route", type="route/not-found")
            if request.method != "GET":
                return _error(405, "method-not-allowed", "Only GET", {"Allow": "GET"})
            scope, read = route
            key = api_keys.authenticate(request.headers)
            logs.bind(tenantId=key.tenant_id, keyId=key.key_id)
            key.require(scope)
            try:
                query = PageQuery.model_validate(request.args.to_dict())
            except ValidationError as error:
                raise invalid_argument_from(error) from error
            return _json(200, read(key.tenant_id, query))
        except AppError as error:
            _log.info("refused: %s", error.message, extra={"fields": error.details})
            status = HTTP_STATUS.get(error.code, 500)
            extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
            return _json(status, {"error": {"code": error.code, **_body(error)}}, extra)
        except Exception:
            _log.exception("unexpected error")
            return _error(500, "internal", "Internal error")


def _body(error: AppError) -> dict[str, Any]:
    return {"message": error.message, **error.details}


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> https_fn.Response:
    body = {"error": {"code": code, "message": message, "type": code}}
    return _json(status, body, headers)


def _json(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> https_fn.Response:
    return https_fn.Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        mimetype="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
