"""The Firestore emulator's REST surface, as the rules tests use it.

Three kinds of caller: the emulator's ``owner`` (bypasses rules, used only to seed), a signed-in
user (an unsigned ``alg: none`` ID token carrying the foundation's claims, which the emulator
accepts as verified) and a signed-out client (no ``Authorization`` header). Every client request
answers the raw ``requests.Response`` so tests can assert the exact HTTP status.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import requests

PROJECT = os.environ.get("GCLOUD_PROJECT", "demo-foundation")
OWNER = {"Authorization": "Bearer owner"}
_session = requests.Session()


def emulator_host() -> str:
    """``FIRESTORE_EMULATOR_HOST``; a failure (never a skip) outside ops/with-emulators."""
    value = os.environ.get("FIRESTORE_EMULATOR_HOST")
    if not value:
        raise RuntimeError(
            "FIRESTORE_EMULATOR_HOST is not set: run the rules tests under the local stack, "
            "e.g. `ops/with-emulators functions/venv/bin/python -m pytest rules-tests`"
        )
    return value.removeprefix("http://")


def emulator_url(suffix: str) -> str:
    """An emulator-only endpoint of the project, e.g. ``:securityRules``."""
    return f"http://{emulator_host()}/emulator/v1/projects/{PROJECT}{suffix}"


def documents_url(path: str = "") -> str:
    """The REST url of a document or collection path (the database root when empty)."""
    root = f"http://{emulator_host()}/v1/projects/{PROJECT}/databases/(default)/documents"
    return f"{root}/{path}" if path else root


def document_name(path: str) -> str:
    """The resource name the REST API answers for a document path."""
    return f"projects/{PROJECT}/databases/(default)/documents/{path}"


# -- emulator administration --------------------------------------------------------------------
def load_rules(text: str) -> None:
    """Make the emulator evaluate ``text`` (the current firestore.rules), refusing rule errors."""
    body = {"rules": {"files": [{"name": "firestore.rules", "content": text}]}}
    answer = _session.put(emulator_url(":securityRules"), json=body, timeout=30)
    issues = answer.json().get("issues", []) if answer.content else []
    errors = [issue for issue in issues if issue.get("severity") == "ERROR"]
    if answer.status_code != 200 or errors:
        raise RuntimeError(f"the emulator refused firestore.rules: {answer.text}")


def clear_documents() -> None:
    """Delete every document of the emulator's default database."""
    _session.delete(emulator_url("/databases/(default)/documents"), timeout=30).raise_for_status()


def rule_coverage() -> tuple[dict[str, Any], str]:
    """The coverage report of the loaded rules: (JSON, HTML)."""
    report = _session.get(emulator_url(":ruleCoverage"), timeout=30)
    report.raise_for_status()
    page = _session.get(emulator_url(":ruleCoverage.html"), timeout=30)
    page.raise_for_status()
    return report.json(), page.text


# -- values ---------------------------------------------------------------------------------------
def encode(value: Any) -> dict[str, Any]:
    """A Python value as a Firestore REST ``Value``."""
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, datetime):
        return {"timestampValue": value.isoformat()}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [encode(item) for item in value]}}
    if isinstance(value, dict):
        return {"mapValue": {"fields": {key: encode(item) for key, item in value.items()}}}
    raise TypeError(f"cannot encode {type(value).__name__}")


def seed(path: str, data: dict[str, Any]) -> None:
    """Write a document as the emulator owner (rules bypassed)."""
    fields = {key: encode(value) for key, value in data.items()}
    answer = _session.patch(documents_url(path), json={"fields": fields}, headers=OWNER, timeout=30)
    answer.raise_for_status()


# -- callers ------------------------------------------------------------------------------------
def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def id_token(uid: str, claims: dict[str, Any]) -> str:
    """An unsigned Firebase ID token (``alg: none``) for ``uid`` carrying ``claims``."""
    now = int(time.time())
    payload = {
        "sub": uid,
        "user_id": uid,
        "aud": PROJECT,
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "iat": now,
        "exp": now + 3600,
        "auth_time": now,
        "firebase": {"sign_in_provider": "password"},
        **claims,
    }
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


@dataclass(frozen=True)
class Caller:
    """A client: signed out when ``uid`` is None, else a user with these custom claims."""

    uid: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        if self.uid is None:
            return {}
        return {"Authorization": f"Bearer {id_token(self.uid, self.claims)}"}


# -- what a client can do -------------------------------------------------------------------------
class Op(StrEnum):
    """The five rule methods: ``get`` and ``list`` make ``read``; the rest make ``write``."""

    GET = "get"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Target:
    """A seeded document, plus the field and value a list query filters its collection on."""

    path: str
    filter_field: str
    filter_value: str

    @property
    def parent(self) -> str:
        """The path of the document that holds the collection ('' for a root collection)."""
        return self.path.rsplit("/", 2)[0] if self.path.count("/") > 1 else ""

    @property
    def collection_id(self) -> str:
        return self.path.split("/")[-2]


def perform(op: Op, target: Target, caller: Caller, new_id: str) -> requests.Response:
    """Attempt ``op`` on ``target`` as ``caller``; ``new_id`` names the document a create makes."""
    headers = caller.headers
    if op is Op.GET:
        return _session.get(documents_url(target.path), headers=headers, timeout=30)
    if op is Op.LIST:
        query = {
            "structuredQuery": {
                "from": [{"collectionId": target.collection_id}],
                "where": {
                    "fieldFilter": {
                        "field": {"fieldPath": target.filter_field},
                        "op": "EQUAL",
                        "value": encode(target.filter_value),
                    }
                },
            }
        }
        url = f"{documents_url(target.parent)}:runQuery"
        return _session.post(url, json=query, headers=headers, timeout=30)
    body = {"fields": {target.filter_field: encode(target.filter_value), "name": encode("x")}}
    if op is Op.CREATE:
        url = documents_url(f"{target.path.rsplit('/', 1)[0]}?documentId={new_id}")
        return _session.post(url, json=body, headers=headers, timeout=30)
    if op is Op.UPDATE:
        url = documents_url(f"{target.path}?updateMask.fieldPaths=name&currentDocument.exists=true")
        return _session.patch(url, json=body, headers=headers, timeout=30)
    return _session.delete(documents_url(target.path), headers=headers, timeout=30)
