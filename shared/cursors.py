"""Opaque, signed page cursors: the order-by values and id of the last document of a page.

A cursor lets the next query start right after that document without reading it again, so a
page deep in a list costs what the first page costs.

Cursors are signed (HMAC-SHA256 with the server's cursor secret, ``shared.settings``) over the
values and the *scope* they were made for (the collection path and order of the query). So the
only cursors a query ever decodes are ones it made itself: a crafted, truncated or foreign
cursor (another query's, another tenant's) is refused in one place as ``invalid-argument``
naming ``cursor``, before a single malformed value (a ``"a/b"`` id, a ``{"$ts": "bad"}``)
can reach Firestore. A cursor carries nothing secret; the signature only proves its origin.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from shared.errors import InvalidArgument

_SIGNATURE_BYTES = 16


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$ts": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$ts"}:
        return datetime.fromisoformat(value["$ts"])
    return value


def _signature(scope: str, raw: bytes) -> bytes:
    from shared.settings import get_settings

    key = get_settings().cursor_secret.encode()
    message = scope.encode() + b"\x00" + raw
    return hmac.new(key, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(values: list[Any], scope: str = "") -> str:
    """Encode the cursor values (order-by values, then the document id) for ``scope``."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":")).encode()
    return f"{_b64(raw)}.{_b64(_signature(scope, raw))}"


def decode(cursor: str, expected_length: int, scope: str = "") -> list[Any]:
    """Decode a cursor :func:`encode` made for ``scope``; anything else is invalid input."""
    body, _, signature = cursor.partition(".")
    try:
        raw = _unb64(body)
        given = _unb64(signature)
    except (ValueError, binascii.Error) as error:
        raise _invalid() from error
    if not hmac.compare_digest(given, _signature(scope, raw)):
        raise _invalid()
    try:
        values = [_decode_value(v) for v in json.loads(raw)]
    except (ValueError, TypeError) as error:  # only our own encoder's output gets here
        raise _invalid() from error
    if len(values) != expected_length or not isinstance(values[-1], str):
        raise _invalid()
    return values


def _invalid() -> InvalidArgument:
    return InvalidArgument(
        "Invalid cursor", fields=[{"field": "cursor", "message": "not a cursor of this query"}]
    )
