"""How every callable reads its payload (``shared.callables``, ``shared.types``): an object,
strict scalars, no unknown keys at any depth, no control characters, no null for a required
field of an update, map keys that can be Firestore field names; and malformed JSON bodies
answered ``invalid-argument`` before the SDK parses them."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from flask import Flask
from pydantic import BaseModel, Field

from shared.callables import on_call, parse_payload
from shared.errors import InvalidArgument
from shared.models import Model, RequestModel
from shared.types import Change, FieldKey, Id, Name, Text


class Inner(Model):
    """A nested model shared with stored documents (lenient on its own)."""

    size: int = 1


class Sample(RequestModel):
    name: Change[Name] = None
    note: Text = ""
    owner_id: Id | None = None
    limit: int = Field(default=5, ge=1, le=10)
    flag: bool = False
    inner: Inner | None = None
    labels: dict[FieldKey, int] = Field(default_factory=dict)


def fields_of(data: Any) -> list[str]:
    with pytest.raises(InvalidArgument) as refused:
        parse_payload(Sample, data)
    return [f["field"] for f in refused.value.fields]


@pytest.mark.parametrize("data", [[], 0, False, "", "x", [{"name": "n"}], 1.5])
def test_a_payload_that_is_no_object_is_refused_as_the_request(data):
    assert fields_of(data) == ["(request)"]


def test_null_data_is_an_empty_object():
    assert parse_payload(Sample, None) == Sample()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"limit": True}, "limit"),
        ({"limit": "3"}, "limit"),
        ({"limit": 2.0}, "limit"),
        ({"flag": 1}, "flag"),
        ({"flag": "true"}, "flag"),
        ({"inner": {"size": True}}, "inner.size"),
    ],
)
def test_scalars_are_not_coerced(data, field):
    assert fields_of(data) == [field]


def test_unknown_keys_are_refused_in_nested_models_too():
    assert fields_of({"inner": {"size": 2, "colour": "red"}}) == ["inner.colour"]
    assert Inner.model_validate({"size": 2, "colour": "red"}).size == 2  # stored reads stay lenient


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "a\x00b"}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": "esc\x1b"}, "name"),
        ({"note": "bell\x07"}, "note"),
        ({"inner": {"size": 1}, "labels": {"ok\x00": 1}}, "labels.ok\x00"),
        ({"ownerId": "a/b"}, "ownerId"),
        ({"ownerId": "__x__"}, "ownerId"),
        ({"ownerId": "x" * 129}, "ownerId"),
        ({"name": None}, "name"),
    ],
)
def test_text_ids_and_required_update_fields_are_strict(data, field):
    assert fields_of(data) == [field]


def test_free_text_keeps_newlines_and_tabs_and_names_are_stripped():
    parsed = parse_payload(Sample, {"name": "  Launch ", "note": "a\n\tb"})
    assert (parsed.name, parsed.note) == ("Launch", "a\n\tb")


INVISIBLE = [
    "\u200b",
    "\u2062",
    "\u200b\u200c\u200d",
    "\u00ad",
    "\u034f",
    "\ufe0f",
    "\u2800",
    "\u3164",
]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_that_shows_nothing_is_refused_naming_the_field(name):
    """A blank name hides who did something (a group's "Someone added ..." notice)."""
    assert fields_of({"name": name}) == ["name"]


def test_a_name_with_one_visible_character_among_invisible_ones_is_kept():
    assert parse_payload(Sample, {"name": "\u200bA\u200b"}).name == "\u200bA\u200b"


@pytest.mark.parametrize("key", ["__x__", "a.b", "a/b", "a`b", "", "k" * 101])
def test_map_keys_that_cannot_be_firestore_field_names_are_refused(key):
    assert fields_of({"labels": {key: 1}})[0].startswith("labels.")


def test_nesting_deeper_than_any_model_is_refused_before_validation():
    deep: dict[str, Any] = {}
    for _ in range(200):
        deep = {"inner": deep}
    assert fields_of(deep)[0].startswith("inner.inner")


# -- malformed bodies ----------------------------------------------------------------------------
def _answer(body: str, content_type: str = "application/json") -> Any:
    @on_call()
    def echo(request: Any) -> Any:
        return {"data": request.data}

    app = Flask(__name__)
    with app.test_request_context("/", method="POST", data=body, content_type=content_type):
        from flask import request

        return echo(request)


@pytest.mark.parametrize("body", ["{not json", '{"data": ', "5", "[]", '"data"', ""])
def test_a_body_that_is_no_json_object_is_invalid_argument_not_internal(body):
    answer = _answer(body)
    assert answer.status_code == 400
    assert json.loads(answer.get_data())["error"]["status"] == "INVALID_ARGUMENT"


def test_a_well_formed_body_reaches_the_function():
    answer = _answer(json.dumps({"data": {"x": 1}}))
    assert answer.status_code == 200
    assert json.loads(answer.get_data()) == {"result": {"data": {"x": 1}}}


# -- every callable ------------------------------------------------------------------------------
def _callables() -> dict[str, Any]:
    import main

    found = {}
    for module_name, names in main.FUNCTIONS.items():
        module = importlib.import_module(module_name)
        for name in names:
            function = getattr(module, name)
            if hasattr(function, "request_model"):
                found[name] = function
    return found


def test_every_callable_declares_a_request_model_whose_validator_builds():
    found = _callables()
    assert len(found) >= 40
    for name, function in found.items():
        model: type[BaseModel] = function.request_model
        model.model_rebuild(force=True)  # a bad pattern (look-ahead) fails here, not in a call
        assert model.model_json_schema(), name
