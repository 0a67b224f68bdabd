"""Calling callables through the Functions emulator, as the Firebase JS SDK does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from tests.support.emulators import functions_url
from tests.support.users import SignedInUser

_session = requests.Session()
EMULATOR_HOP_ATTEMPTS = 3


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

    The Functions emulator sometimes loses the request on its way to the Python worker (it logs
    "Request to function failed: Error: socket hang up", the function never runs, and the answer
    is neither a result nor a callable error). That hop does not exist in production, so such an
    answer is retried, as the Firebase SDK's callers would retry a dropped connection.
    ``headers`` are sent too (e.g. ``X-Forwarded-For`` to act as another caller address).
    """
    headers = {"Content-Type": "application/json", **(headers or {})}
    if user is not None:
        headers["Authorization"] = f"Bearer {user.id_token}"
    for _ in range(EMULATOR_HOP_ATTEMPTS):
        answer = _session.post(
            functions_url(name), json={"data": data}, headers=headers, timeout=60
        )
        body = _json_or_none(answer)
        if body is not None and ("result" in body or "error" in body):
            break
    else:
        raise AssertionError(f"{name}: no callable answer ({answer.status_code}): {answer.text}")
    assert body is not None
    if "error" in body:
        error = body["error"]
        raise CallableError(
            error.get("status", ""),
            error.get("message", ""),
            error.get("details") or {},
            answer.status_code,
        )
    return body["result"]  # type: ignore[no-any-return]
