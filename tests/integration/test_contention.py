"""Contention never answers ``internal``: a repeat of a done change succeeds without contending
(it is answered from a read before any transaction), and true contention answers ``aborted``
(retryable, nothing written), through the Functions emulator with 30 calls at once.

The first wave of identical calls is true contention: all of them read before any commits. In
production the losers then find the change made (``shared.transactions.run_idempotent``); the
Firestore emulator instead lets such transactions wait on each other for about 30 s and then
aborts them together (LOCAL_STACK.md), so there some may answer ``aborted``. Never ``internal``."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.callables import CallableError, call
from tests.support.user_profiles import stored

PARALLEL = 30
ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "DE"}


def at_once(name: str, payloads: list[dict[str, Any]], caller) -> Counter[str]:
    """Call ``name`` once per payload, all at once; the answers by status (``OK`` or the
    error's status)."""

    def one(payload: dict[str, Any]) -> str:
        try:
            call(name, payload, caller)
        except CallableError as error:
            return error.status
        return "OK"

    with ThreadPoolExecutor(max_workers=len(payloads)) as pool:
        return Counter(pool.map(one, payloads))


@pytest.fixture
def people(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``): its document and its people's profiles."""
    return seeded_tenant


def test_thirty_identical_role_grants_at_once_never_answer_internal(people):
    grant = {"userId": people.member.uid, "roles": ["member", "project-manager"]}

    first = at_once("user_grant_roles", [grant] * PARALLEL, people.admin)

    assert set(first) <= {"OK", "ABORTED"} and first["OK"] >= 1, first
    assert stored(people.id, people.member.uid).roles == ["member", "project-manager"]
    # once done, a repeat is a read: thirty at once all succeed
    assert at_once("user_grant_roles", [grant] * PARALLEL, people.admin) == {"OK": PARALLEL}


def test_thirty_revocations_of_one_invitation_at_once_never_answer_internal(people):
    invitation = call(
        "customer_invite_user", {"email": "new@example.test", "roles": ["member"]}, people.admin
    )
    revoke = {"invitationId": invitation["invitationId"]}

    first = at_once("customer_revoke_invitation", [revoke] * PARALLEL, people.admin)

    assert set(first) <= {"OK", "ABORTED"} and first["OK"] >= 1, first
    again = at_once("customer_revoke_invitation", [revoke] * PARALLEL, people.admin)
    assert again == {"OK": PARALLEL}


def test_thirty_rotations_of_one_key_at_once_succeed_or_answer_aborted(people):
    key = call("customer_create_api_key", {"name": "CI", "scopes": ["users.read"]}, people.admin)

    answers = at_once("customer_rotate_api_key", [{"keyId": key["keyId"]}] * PARALLEL, people.admin)

    assert set(answers) <= {"OK", "ABORTED"} and answers["OK"] >= 1, answers


def test_thirty_headquarters_created_at_once_leave_exactly_one(people):
    def location(n: int) -> dict[str, Any]:
        return {"kind": "location", "name": f"Site {n}", "address": ADDRESS, "headquarters": True}

    def locations() -> list[dict[str, Any]]:
        page = call("customer_list_org_entries", {"kind": "location", "limit": 100}, people.admin)
        return page["items"]

    before = len(locations())

    answers = at_once(
        "customer_create_org_entry", [location(n) for n in range(PARALLEL)], people.admin
    )

    assert set(answers) <= {"OK", "ABORTED"} and answers["OK"] >= 1, answers
    after = locations()
    assert len(after) == before + answers["OK"]  # an aborted creation wrote nothing
    assert sum(1 for entry in after if entry.get("headquarters")) == 1
