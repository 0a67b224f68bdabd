"""A frontend on the Firebase JS SDK against the local stack (tests/js/frontend_smoke.mjs):
sign in to the Auth emulator, call callables, read Firestore directly within the rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from example import repositories as repos
from example.models import Project
from tests.support.users import PASSWORD, create_user, unique_id

ROOT = Path(__file__).resolve().parents[2]


def test_a_js_sdk_frontend_signs_in_calls_callables_and_reads_within_its_tenant():
    tenant_id, other_id = unique_id("tenant"), unique_id("tenant")
    member = create_user(tenant_id=tenant_id, roles=["member"])
    for tid in (tenant_id, other_id):
        repos.projects(tid).set(
            Project(id="demo-project", tenant_id=tid, name="Seeded", owner_id=member.uid)
        )

    node = shutil.which("node")
    assert node, "Node.js is needed for the JS SDK test"
    out = subprocess.run(
        [node, "tests/js/frontend_smoke.mjs", member.email, PASSWORD, tenant_id, other_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])

    assert result["claims"] == {"tenantId": tenant_id, "roles": ["member"]}
    assert repos.tasks(tenant_id, "demo-project").require(result["taskId"]).title == (
        "From the JS SDK"
    )
    assert result["projectIds"] == ["demo-project"]
    assert result["badInput"] == {"code": "functions/invalid-argument", "fields": ["title"]}
    assert result["directRead"] == ["demo-project"]
    assert result["otherTenantRead"] == "permission-denied"
