"""Per-tenant storage quotas and usage totals that stay exact under concurrent calls."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from files import repositories as repos
from files.models.receipts import FileStatus
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.users import create_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PARALLEL = 8


@pytest.fixture(scope="module")
def platform_admin():
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def create_upload(user, size: int = len(PNG)) -> dict:
    payload = {"fileName": "p.png", "contentType": "image/png", "size": size}
    return call("files_create_upload", payload | {"groupingId": "attachments"}, user)


def usage(tenant_id: str) -> tuple[int, int]:
    found = repos.usage(tenant_id).get(repos.USAGE_DOC)
    return (found.bytes, found.files) if found else (0, 0)


def at_once(work, count: int) -> list:
    def one(_: int):
        try:
            return work()
        except CallableError as error:
            return error.status

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_a_platform_admin_sets_a_tenants_quota_and_uploads_past_it_are_refused(
    tenant, platform_admin
):
    answer = call("files_set_tenant_quota", {"tenantId": tenant.id, "files": 2}, platform_admin)
    assert (answer["quotaFiles"], answer["usedFiles"], answer["overridden"]) == (2, 0, True)
    create_upload(tenant.member)
    create_upload(tenant.member)
    with pytest.raises(CallableError) as refused:
        create_upload(tenant.member)
    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert usage(tenant.id) == (2 * len(PNG), 2)

    restored = call("files_set_tenant_quota", {"tenantId": tenant.id}, platform_admin)
    assert (restored["overridden"], restored["usedFiles"]) == (False, 2)
    create_upload(tenant.member)
    assert usage(tenant.id) == (3 * len(PNG), 3)


@pytest.mark.parametrize("role", ["tenant-admin", "member"])
def test_nobody_but_a_platform_admin_sets_a_quota(tenant, role):
    caller = tenant.admin if role == "tenant-admin" else tenant.member
    with pytest.raises(CallableError) as refused:
        call("files_set_tenant_quota", {"tenantId": tenant.id, "files": 10**6}, caller)
    assert refused.value.status == "PERMISSION_DENIED"
    assert repos.usage(tenant.id).get(repos.USAGE_DOC) is None


def test_concurrent_uploads_never_pass_the_quota_and_the_totals_match_the_receipts(
    tenant, platform_admin
):
    call("files_set_tenant_quota", {"tenantId": tenant.id, "files": 3}, platform_admin)
    answers = at_once(lambda: create_upload(tenant.member), PARALLEL)
    created = [a for a in answers if isinstance(a, dict)]
    refused = Counter(a for a in answers if isinstance(a, str))
    assert len(created) <= 3  # never past the quota
    assert len(created) + refused["ABORTED"] >= 3  # and up to it, unless contention aborted one
    assert set(refused) <= {"RESOURCE_EXHAUSTED", "ABORTED"}
    assert usage(tenant.id) == (len(created) * len(PNG), len(created))
    stored = list(repos.receipts(tenant.id).stream_all())
    assert len(stored) == len(created)


def test_concurrent_uploads_settling_at_once_leave_exact_totals(tenant):
    answers = [create_upload(tenant.member, size=len(PNG) + 10) for _ in range(PARALLEL)]

    def put(answer: dict) -> int:
        response = requests.put(
            answer["uploadUrl"], data=PNG, headers=answer["uploadHeaders"], timeout=30
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        assert set(pool.map(put, answers)) == {200}

    def all_ready() -> bool:
        statuses = {r.status for r in repos.receipts(tenant.id).stream_all()}
        return statuses == {FileStatus.READY}

    eventually(all_ready, timeout=60)
    assert usage(tenant.id) == (PARALLEL * len(PNG), PARALLEL)
