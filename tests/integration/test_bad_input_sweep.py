"""The bad-input sweep: every callable, fed inputs generated from its own request model.

The callables come from ``functions/main.py`` (``FUNCTIONS``) and the request model each
``callable_endpoint`` declares (``request_model``), so a new callable is swept without a line
here. Per field of the model (its JSON schema): wrong types, ``null``, oversized and
control-character strings, reserved names, path-like ids, non-coerced scalars, unknown nested
keys, crafted cursors; per callable: payloads that are no object and an unknown key.

Two kinds of input:
- *must refuse*: each is invalid whatever the rest of the payload; every answer must be
  ``invalid-argument`` (or a refusal before validation: ``permission-denied`` and the like),
  and the caller's tenant must be byte-for-byte unchanged afterwards (every document's update
  time under ``tenants/{tenantId}``, and the number of tenants);
- *may pass* (``null``, ``__x__``, ``a/b`` where a model might allow them): any answer but
  ``internal``.

No answer may be ``internal`` or an HTTP 500. The figures (callables, inputs, answers by code)
are printed; ``-s`` shows them.
"""

from __future__ import annotations

import base64
import importlib
import json
import time
import typing
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from pydantic import BaseModel, RootModel

from shared.clients import firestore_client
from shared.permissions import role_catalog
from tests.support.emulators import functions_url
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile
from tests.support.users import SignedInUser, create_user

MUST_REFUSE = "must-refuse"
MAY_PASS = "may-pass"
HUGE = "x" * 100_001
CONTROL = "a\x00b\x07c"


def _crafted(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


CURSORS = [_crafted(["a/b"]), _crafted([{"$ts": "bad"}, "x"]), _crafted([1, 2, 3]), "%%%"]
NOT_OBJECTS: list[Any] = [[], 0, False, "", "x", [{}], 1.5]


@dataclass(frozen=True)
class Probe:
    callable: str
    kind: str
    payload: Any


@dataclass(frozen=True)
class Answer:
    probe: Probe
    http_status: int
    code: str


# -- the registry: callables and their request models -------------------------------------------
def callables() -> dict[str, Any]:
    """Every callable endpoint of ``functions/main.py`` by name (``customer_api`` is HTTP)."""
    import main

    found: dict[str, Any] = {}
    for module_name, names in main.FUNCTIONS.items():
        module = importlib.import_module(module_name)
        for name in names:
            function = getattr(module, name)
            if hasattr(function, "request_model"):
                found[name] = function
    return found


def variants(model: type[BaseModel]) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """The model, or each member of a ``RootModel`` union with its discriminating ``kind``."""
    if not issubclass(model, RootModel):
        return [(model, {})]
    union = model.model_fields["root"].annotation
    members = typing.get_args(typing.get_args(union)[0] if _annotated(union) else union)
    out = []
    for member in members:
        kind = typing.get_args(member.model_fields["kind"].annotation)[0]
        out.append((member, {"kind": kind}))
    return out


def _annotated(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Annotated


def field_types(schema: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a property accepts, ``null`` left out; a ``$ref`` is an object."""
    if "$ref" in schema:
        target = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return {"object"} if "properties" in target else field_types(target, defs)
    if "anyOf" in schema or "oneOf" in schema:
        return set().union(
            *(
                field_types(s, defs)
                for s in (schema["anyOf"] if "anyOf" in schema else schema["oneOf"])
            )
        )
    kind = schema.get("type")
    if kind is None:
        return {"string"} if "enum" in schema or "const" in schema else set()
    return {kind} - {"null"} if isinstance(kind, str) else set(kind) - {"null"}


def probes_for(name: str, model: type[BaseModel], bases: dict[str, dict[str, Any]]) -> list[Probe]:
    probes = [Probe(name, MUST_REFUSE, payload) for payload in NOT_OBJECTS]
    for member, tag in variants(model):
        base = {**tag, **bases.get(name, {})}
        schema = member.model_json_schema(by_alias=True)
        defs = schema.get("$defs", {})
        probes.append(Probe(name, MUST_REFUSE, {**base, "zzUnknown": 1}))
        for field, prop in schema.get("properties", {}).items():
            if field == "kind" and tag:
                continue
            types = field_types(prop, defs)

            def bad(
                value: Any, kind: str = MUST_REFUSE, field: str = field, base: dict = base
            ) -> Probe:
                return Probe(name, kind, {**base, field: value})

            probes.append(bad(None, MAY_PASS))
            probes.append(bad({"zz": [1]} if "object" not in types else "not-an-object"))
            if "string" in types:
                probes += [bad(HUGE), bad(CONTROL), bad(12345), bad(["x"])]
                probes += [bad("__x__", MAY_PASS), bad("a/b", MAY_PASS), bad("", MAY_PASS)]
            if "integer" in types or "number" in types:
                probes += [bad(True), bad("1"), bad(10**20, MAY_PASS), bad(-1, MAY_PASS)]
            if "integer" in types:
                probes.append(bad(1.5))
            if "boolean" in types:
                probes += [bad("true"), bad(1)]
            if "array" in types:
                probes += [bad("x"), bad([{"zz": 1}]), bad([HUGE]), bad([CONTROL])]
            if "object" in types:
                probes += [bad({"zzUnknown": 1}, MAY_PASS), bad({"__x__": {}}), bad({CONTROL: 1})]
                probes.append(bad({"a": {"b": {"c": {"d": {"e": {"f": {"g": {}}}}}}}}, MAY_PASS))
            if field == "cursor":
                probes += [bad(cursor) for cursor in CURSORS]
    return probes


# -- calling --------------------------------------------------------------------------------------
_session = requests.Session()


def send(probe: Probe, user: SignedInUser) -> Answer:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {user.id_token}"}
    answer = _session.post(
        functions_url(probe.callable), json={"data": probe.payload}, headers=headers, timeout=60
    )
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("result" in body or "error" in body):
        code = "ok" if "result" in body else str(body["error"].get("status", "?"))
        return Answer(probe, answer.status_code, code)
    return Answer(probe, answer.status_code, f"no-answer-{answer.status_code}")


def tenant_state(tenant_id: str) -> tuple[frozenset[tuple[str, Any]], int]:
    """Every document under the tenant with its update time, and the number of tenants."""
    seen: set[tuple[str, Any]] = set()

    def walk(ref: Any) -> None:
        for collection in ref.collections():
            for snapshot in collection.stream():
                seen.add((snapshot.reference.path, snapshot.update_time))
                walk(snapshot.reference)

    root = firestore_client().document(f"tenants/{tenant_id}")
    walk(root)
    tenant = root.get()
    if tenant.exists:
        seen.add((root.path, tenant.update_time))
    count = firestore_client().collection("tenants").count().get()[0][0].value
    return frozenset(seen), int(count)


def settled_state(tenant_id: str) -> tuple[frozenset[tuple[str, Any]], int]:
    """The tenant's state once the seeding's background triggers are done with it."""
    state = tenant_state(tenant_id)
    for _ in range(30):
        time.sleep(1)
        again = tenant_state(tenant_id)
        if again == state:
            return state
        state = again
    raise AssertionError("the tenant never settled")


def run(probes: list[Probe], caller_of: dict[str, SignedInUser]) -> list[Answer]:
    """Eight callables at a time, each callable's probes one after another: the sweep is about
    input, not contention (parallel writes to one document are item 8's tests)."""
    groups: dict[str, list[Probe]] = {}
    for probe in probes:
        groups.setdefault(probe.callable, []).append(probe)

    def one_callable(group: list[Probe]) -> list[Answer]:
        return [send(probe, caller_of[probe.callable]) for probe in group]

    with ThreadPoolExecutor(max_workers=8) as pool:
        return [answer for answers in pool.map(one_callable, groups.values()) for answer in answers]


# -- the sweep -----------------------------------------------------------------------------------
def test_no_callable_answers_internal_to_bad_input_and_refusals_write_nothing(tenant):
    seed_tenant(tenant.id)
    for user in (tenant.admin, tenant.manager, tenant.member):
        seed_user_profile(tenant.id, user)
    platform_admin = create_user(tenant_id=tenant.id, roles=["tenant-admin"], platform_admin=True)
    project = requests_call("example_create_project", {"name": "P"}, tenant.manager)
    bases: dict[str, dict[str, Any]] = {
        "example_create_task": {"projectId": project["projectId"], "title": "t"},
        "example_update_project": {"projectId": project["projectId"]},
        "user_update_preferences": {"notifications": {"files.uploaded": {"email": True}}},
        "notifications_mark_viewed": {"all": True},
        "notifications_archive": {"notificationIds": ["n1"]},
        "notifications_register_device_token": {"token": "tok-1", "platform": "web"},
        "notifications_unregister_device_token": {"token": "tok-1"},
        "notifications_update_settings": {"quietHours": None},
        "notifications_resend": {"deliveryId": "d1"},
    }
    conversation = requests_call(
        "messaging_create_conversation",
        {"participantIds": [tenant.member.uid], "type": "group"},
        tenant.admin,
    )["conversationId"]
    bases["messaging_send_message"] = {"conversationId": conversation, "text": "hi"}
    bases["messaging_create_conversation"] = {
        "participantIds": [tenant.member.uid],
        "type": "group",
    }

    endpoints = callables()
    catalog = role_catalog()
    caller_of = {
        name: tenant.admin
        if function.public
        or function.permission is None
        or catalog.allows(["tenant-admin"], function.permission)
        else platform_admin
        for name, function in endpoints.items()
    }
    probes = [
        probe
        for name, function in sorted(endpoints.items())
        for probe in probes_for(name, function.request_model, bases)
    ]
    must = [p for p in probes if p.kind == MUST_REFUSE]
    may = [p for p in probes if p.kind == MAY_PASS]

    before = settled_state(tenant.id)
    refused = run(must, caller_of)
    after = tenant_state(tenant.id)
    passed = run(may, caller_of)
    answers = refused + passed

    by_code = Counter(a.code for a in answers)
    print(
        f"\nbad-input sweep: {len(endpoints)} callables, {len(answers)} inputs "
        f"({len(must)} must refuse, {len(may)} may pass); answers by code: {dict(by_code)}"
    )
    internal = [a for a in answers if a.code in {"INTERNAL", "UNKNOWN"} or a.http_status >= 500]
    assert not internal, [(a.probe.callable, a.probe.payload, a.code) for a in internal][:20]
    accepted = [a for a in refused if a.code == "ok"]
    assert not accepted, [(a.probe.callable, a.probe.payload) for a in accepted][:20]
    assert all(a.code.startswith(("INVALID_ARGUMENT", "PERMISSION_DENIED")) for a in refused), [
        (a.probe.callable, a.probe.payload, a.code)
        for a in refused
        if not a.code.startswith(("INVALID_ARGUMENT", "PERMISSION_DENIED"))
    ][:20]
    assert after == before, sorted(after[0] - before[0])[:20]


def requests_call(name: str, data: dict[str, Any], user: SignedInUser) -> dict[str, Any]:
    from tests.support.callables import call

    return call(name, data, user)


def test_every_callable_answers_a_body_that_is_no_json_object_with_invalid_argument(tenant):
    deep = '{"data":' + "[" * 1000 + "]" * 1000 + "}"  # deeper than the JSON parser recurses
    bodies = ["", "{not json", '{"data": ', "5", "[]", deep]
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {tenant.admin.id_token}",
    }

    def post(name: str, body: str) -> tuple[str, str, int, str]:
        answer = _session.post(functions_url(name), data=body, headers=headers, timeout=60)
        if answer.headers.get("Content-Type", "").startswith("application/json"):
            return name, body, answer.status_code, answer.json()["error"]["status"]
        return name, body, answer.status_code, "no-answer"

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda nb: post(*nb), [(n, b) for n in callables() for b in bodies])
        )
    wrong = [a for a in answers if a[2:] != (400, "INVALID_ARGUMENT")]
    assert not wrong, wrong[:10]
