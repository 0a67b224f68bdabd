"""Calling callables through the Functions emulator, as the Firebase JS SDK does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from tests.support.emulators import functions_url
from tests.support.users import SignedInUser

_session = requests.Session()


def _json_or_none(answer: requests.Response) -> dict[str, Any] | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@dataclass
class CallableError(Exception):
    """An error answer of a callable: ``status`` as the SDK names it, e.g. INVALID_ARGUMENT."""

    status: str
    message: str
    details: dict[str, Any]
    http_status: int

    @property
    def fields(self) -> list[str]:
        return [f["field"] for f in self.details.get("fields", [])]


def call(
    name: str,
    data: Any,
    user: SignedInUser | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Call ``name`` with ``data``; the answer's ``result``, or ``CallableError``.

    No retry: an answer that is neither a result nor a callable error is a lost delivery, a bug
    of the stack (ops/with-emulators also fails the run on one), never something to paper over.
    ``headers`` are sent too (e.g. ``X-Forwarded-For`` to act as another caller address).
    """
    headers = {"Content-Type": "application/json", **(headers or {})}
    if user is not None:
        headers["Authorization"] = f"Bearer {user.id_token}"
    answer = _session.post(functions_url(name), json={"data": data}, headers=headers, timeout=60)
    body = _json_or_none(answer)
    if body is None or not ("result" in body or "error" in body):
        raise AssertionError(f"{name}: no callable answer ({answer.status_code}): {answer.text}")
    if "error" in body:
        error = body["error"]
        raise CallableError(
            error.get("status", ""),
            error.get("message", ""),
            error.get("details") or {},
            answer.status_code,
        )
    return body["result"]
