"""A callable's body is refused before the SDK reads it when no request could be that shape.

Issue 20, item 14: a body nested a thousand levels deep made Python's JSON parser raise
``RecursionError`` through ``get_json(silent=True)``, which Flask answered with a bare HTTP 500
on every callable, signed out too. ``shared.callables.on_call`` answers ``invalid-argument``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, request

from shared.callables import MAX_BODY_DEPTH, nested_deeper_than, on_call


def nested(depth: int, kind: str) -> str:
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return '{"data":' + opening * depth + "1" + closing * depth + "}"


def answer_to(body: str) -> Any:
    handler = on_call()(lambda req: {"ran": True})
    with Flask(__name__).test_request_context(
        "/", method="POST", data=body, content_type="application/json"
    ):
        return handler(request)


@pytest.mark.parametrize("kind", ["list", "object"])
@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH + 1, 1000, 100_000])
def test_a_body_nested_deeper_than_the_limit_is_invalid_argument_not_a_bare_500(depth, kind):
    response = answer_to(nested(depth, kind))

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["status"], error["details"]["type"]) == (
        "INVALID_ARGUMENT",
        "validation/malformed-json",
    )
    assert error["details"]["fields"] == [{"field": "(body)", "message": "nested too deeply"}]


def test_the_depth_check_counts_levels_without_recursing_itself():
    deep: Any = 1
    for _ in range(50_000):
        deep = [deep]

    assert nested_deeper_than(deep, 100)
    assert not nested_deeper_than({"a": [{"b": 1}]}, 3)
    assert nested_deeper_than({"a": [{"b": {}}]}, 3)
