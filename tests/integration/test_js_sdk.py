"""A frontend on the Firebase JS SDK against the local stack (tests/js/*.mjs): sign in to the
Auth emulator, call callables, read Firestore directly within the rules; the tenancy journey
from customer creation to invited people joining by proof (the invitation token, or a
provider-verified email), with every outsider refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from example import repositories as repos
from example.models.projects import Project
from tests.support.emulators import eventually
from tests.support.sinks import mails
from tests.support.tenants import seed_tenant
from tests.support.user_profiles import seed_user_profile
from tests.support.users import PASSWORD, create_user, unique_id

ROOT = Path(__file__).resolve().parents[2]


def run_script(script: str, *args: str) -> dict:
    """Run a tests/js script with Node; its last line of output, parsed."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the JS SDK tests"
    out = subprocess.run(
        [node, f"tests/js/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_js_sdk_frontend_signs_in_calls_callables_and_reads_within_its_tenant():
    tenant_id, other_id = unique_id("tenant"), unique_id("tenant")
    member = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(tenant_id, member, type="business")  # as sign-up leaves it: the rules read it
    for tid in (tenant_id, other_id):
        repos.projects(tid).set(
            Project(id="demo-project", tenant_id=tid, name="Seeded", owner_id=member.uid)
        )

    result = run_script("frontend_smoke.mjs", member.email, PASSWORD, tenant_id, other_id)

    assert result["claims"] == {"tenantId": tenant_id, "roles": ["member"]}
    assert repos.tasks(tenant_id, "demo-project").require(result["taskId"]).title == (
        "From the JS SDK"
    )
    assert result["projectIds"] == ["demo-project"]
    assert result["badInput"] == {"code": "functions/invalid-argument", "fields": ["title"]}
    assert result["profile"] == {
        "id": member.uid,
        "tenantId": tenant_id,
        "email": member.email,
        "renamedTo": "Mia",
    }
    assert result["directRead"] == ["demo-project"]
    assert result["otherTenantRead"] == "permission-denied"


def test_a_js_sdk_customer_journey_invited_people_join_by_proof_and_outsiders_fail():
    platform_admin = create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)
    stranger = create_user(tenant_id=unique_id("tenant"), roles=["tenant-admin"])

    result = run_script(
        "tenancy_journey.mjs", platform_admin.email, stranger.email, PASSWORD, unique_id("run")
    )

    tenant_id = result["tenantId"]
    nowhere: dict[str, object] = {"tenantId": None, "roles": []}
    assert result["adminClaimsAtSignUp"] == nowhere
    assert result["adminAccepted"] == {"tenantId": tenant_id, "roles": ["tenant-admin"]}
    assert result["adminClaims"] == {"tenantId": tenant_id, "roles": ["tenant-admin"]}
    assert result["invitationId"]
    assert result["squatterWithToken"] == "functions/permission-denied"
    assert result["memberClaimsAtSignUp"] == nowhere
    assert result["memberClaims"] == {"tenantId": tenant_id, "roles": ["member"]}
    assert result["memberReadsTenant"] == "Journey Ltd"
    assert result["tamperedToken"] == "functions/not-found"
    assert result["googleClaims"] == {"tenantId": tenant_id, "roles": ["member"]}
    refused = {
        "customer_get": "functions/permission-denied",
        "customer_invite_user": "functions/permission-denied",
        "directRead": "permission-denied",
    }
    assert result["stranger"] == refused
    assert result["tenantless"] == refused
    assert result["signedOut"] == {
        "customer_get": "functions/unauthenticated",
        "customer_invite_user": "functions/unauthenticated",
        "directRead": "permission-denied",
    }


def test_a_js_sdk_frontend_uploads_watches_its_receipt_turn_ready_and_downloads_the_bytes():
    from tests.support.callables import call

    tenant_id = unique_id("tenant")
    member = create_user(tenant_id=tenant_id, roles=["member"])
    colleague = create_user(tenant_id=tenant_id, roles=["member"])
    outsider = create_user(tenant_id=unique_id("tenant"), roles=["member"])
    for person in (member, colleague, outsider):  # as sign-up leaves them: the rules read it
        seed_user_profile(str(person.claims["tenantId"]), person)
    upload = {
        "fileName": "a.png",
        "contentType": "image/png",
        "size": 10,
        "groupingId": "attachments",
    }
    colleague_file = call("files_create_upload", upload, colleague)["fileId"]
    foreign = call("files_create_upload", upload, outsider)["receipt"]

    result = run_script(
        "files_journey.mjs", member.email, PASSWORD, colleague_file, foreign["id"], foreign["token"]
    )

    assert (result["initialStatus"], result["putStatus"], result["listenedStatus"]) == (
        "pending",
        200,
        "ready",
    )
    assert result["sameBytes"] is True
    assert result["foreignError"] == "not-found"
    assert result["refused"] == {
        "disallowedType": "functions/invalid-argument",
        "colleagueReceipt": "permission-denied",
        "writeOwnReceipt": "permission-denied",
        "readUsage": "permission-denied",
    }


def test_two_js_sdk_frontends_converse_watch_unread_counts_and_outsiders_are_refused():
    tenant_id = unique_id("tenant")
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])
    member = create_user(tenant_id=tenant_id, roles=["member"])
    colleague = create_user(tenant_id=tenant_id, roles=["member"])
    outsider = create_user(tenant_id=unique_id("tenant"), roles=["member"])
    for person in (admin, member, colleague, outsider):  # as sign-up leaves them
        seed_user_profile(str(person.claims["tenantId"]), person)

    result = run_script(
        "messaging_journey.mjs",
        admin.email,
        member.email,
        colleague.email,
        outsider.email,
        PASSWORD,
    )

    assert result["sameConversation"] is True and result["createdOnce"] == [True, False]
    assert (result["listenedUnread"], result["listenedTotal"]) == (2, 2)
    assert result["listedConversations"] is True
    assert result["messages"] == ["Hello!", f"Did you see this, <@{member.uid}>?"]
    assert result["mentions"] == [member.uid]
    assert (result["markRead"], result["totalAfterRead"]) == (0, 0)
    assert result["edited"] == {
        "text": "Did you see this?",
        "history": [f"Did you see this, <@{member.uid}>?"],
        "reactions": {"👍": [member.uid]},
    }
    assert result["adminTotal"] == 1
    assert result["joinedLater"] == ["system"]  # the announcement of their addition, no more
    assert result["refused"] == {
        "colleagueRead": "permission-denied",
        "colleagueMessages": "permission-denied",
        "colleagueSend": "functions/permission-denied",
        "colleagueTotal": "permission-denied",
        "outsiderRead": "permission-denied",
        "outsiderSend": "functions/permission-denied",
        "outsiderNamedTenant": "functions/permission-denied",
        "memberWritesConversation": "permission-denied",
        "memberUnpinnedList": "permission-denied",
        "memberUnboundedMessages": "permission-denied",
        "latecomerFromTheStart": "permission-denied",
    }


def test_a_js_sdk_member_mentioned_in_a_real_message_sees_it_gets_the_email_and_admins_see_why():
    from customer.models.tenants import Branding, TenantSettings

    tenant_id = unique_id("tenant")
    branding = Branding(display_name="Acme Demo", host="acme.example.test")
    seed_tenant(tenant_id, settings=TenantSettings(branding=branding))
    admin = create_user(tenant_id=tenant_id, roles=["tenant-admin"])
    member = create_user(tenant_id=tenant_id, roles=["member"])
    colleague = create_user(tenant_id=tenant_id, roles=["member"])
    for person in (admin, member, colleague):  # as sign-up leaves them: the rules read it
        seed_user_profile(tenant_id, person, display_name=f"Person {person.uid[-4:]}")

    result = run_script(
        "notifications_journey.mjs", admin.email, member.email, PASSWORD, colleague.uid
    )

    assert result["registered"] == {"ok": True}
    assert result["title"] == f"Person {admin.uid[-4:]} mentioned you"
    assert result["link"] == f"https://acme.example.test/conversations/{result['conversationId']}"
    assert result["seenBefore"] is False
    assert 1 in result["badges"] and result["badges"][-1] == 0
    assert result["answeredCount"] == 0
    assert result["adminSeesDeliveries"] == [
        {"channel": "email", "state": "sent", "reason": None},
        {"channel": "inApp", "state": "sent", "reason": None},
        {"channel": "push", "state": "skipped", "reason": "off"},  # the definition's choice
    ]
    [mail] = eventually(
        lambda: [m for m in mails(member.email) if "mentioned you" in str(m["Subject"])] or None
    )
    assert mail["Subject"] == f"[Acme Demo] Person {admin.uid[-4:]} mentioned you"
    assert "Acme Demo" in str(mail["From"])
    assert result["refused"] == {
        "colleagueBadge": "permission-denied",
        "memberReadsDeliveries": "permission-denied",
        "writeOwnBadge": "permission-denied",
        "writeOwnNotification": "permission-denied",
        "bothIdsAndAll": "functions/invalid-argument",
    }
