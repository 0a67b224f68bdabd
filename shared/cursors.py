"""Opaque page cursors: the order-by values and id of the last document of a page.

A cursor lets the next query start right after that document without reading it again, so a
page deep in a list costs what the first page costs.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from shared.errors import InvalidArgument


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$ts": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$ts"}:
        return datetime.fromisoformat(value["$ts"])
    return value


def encode(values: list[Any]) -> str:
    """Encode the cursor values (order-by values, then the document id)."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, expected_length: int) -> list[Any]:
    """Decode a cursor made by :func:`encode`; a tampered or foreign cursor is invalid input."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except ValueError as error:
        raise _invalid() from error
    if not isinstance(values, list) or len(values) != expected_length:
        raise _invalid()
    return [_decode_value(v) for v in values]


def _invalid() -> InvalidArgument:
    return InvalidArgument(
        "Invalid cursor", fields=[{"field": "cursor", "message": "not a cursor of this query"}]
    )
