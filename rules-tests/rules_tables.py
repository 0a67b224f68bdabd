"""Access tables: one row per person, one column per rule method, each cell a pytest case.

A table reads like the policy it proves::

    PROJECTS = access_table("project", {
        #                 get    list   create update delete
        "member":        (ALLOW, ALLOW, DENY,  DENY,  DENY),
    })

Each cell becomes the case ``project-member-get-allowed``; ``check_access`` performs it against
the emulator and asserts the exact HTTP status (200 or 403 PERMISSION_DENIED), and for an allowed
read that the seeded document really came back.
"""

from __future__ import annotations

from typing import Any

import pytest
from rules_client import Op, document_name, perform
from rules_world import PEOPLE, World, unique_id

# The parameter names of every table's cases.
CASE = ("target", "person", "op", "allowed")
ALLOW = True
DENY = False
COLUMNS = (Op.GET, Op.LIST, Op.CREATE, Op.UPDATE, Op.DELETE)
Row = tuple[bool, bool, bool, bool, bool]
READ_ONLY: Row = (ALLOW, ALLOW, DENY, DENY, DENY)
NOTHING: Row = (DENY, DENY, DENY, DENY, DENY)


def access_table(target: str, rows: dict[str, Row]) -> list[Any]:
    """The cases of one table: (target, person, op, allowed), each with a readable id."""
    unknown = set(rows) - set(PEOPLE)
    if unknown:
        raise ValueError(f"unknown people in the {target} table: {sorted(unknown)}")
    return [
        pytest.param(
            target,
            person,
            op,
            allowed,
            id=f"{target}-{person}-{op.value}-{'allowed' if allowed else 'denied'}",
        )
        for person, row in rows.items()
        for op, allowed in zip(COLUMNS, row, strict=True)
    ]


def everyone_denied(target: str, people: tuple[str, ...] = PEOPLE) -> list[Any]:
    """A table for a collection no client may touch at all."""
    return access_table(target, dict.fromkeys(people, NOTHING))


def check_access(world: World, target: str, person: str, op: Op, allowed: bool) -> None:
    """Attempt ``op`` on the seeded ``target`` as ``person`` and assert the table's verdict."""
    document = world.targets[target]
    answer = perform(op, document, world.callers[person], new_id=unique_id("new"))
    if not allowed:
        assert answer.status_code == 403, f"expected 403, got {answer.status_code}: {answer.text}"
        assert answer.json()["error"]["status"] == "PERMISSION_DENIED"
        return
    assert answer.status_code == 200, f"expected 200, got {answer.status_code}: {answer.text}"
    expected = document_name(document.path)
    if op is Op.GET:
        assert answer.json()["name"] == expected
    elif op is Op.LIST:
        names = [row["document"]["name"] for row in answer.json() if "document" in row]
        assert expected in names, f"{expected} missing from the query's answer {names}"
