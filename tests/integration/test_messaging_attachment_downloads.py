"""A message's attachments are signed for the participants who may read the message, and for
nobody else: not a tenant admin outside the conversation (even holding the file's token), not a
member who joined after it was sent, not someone removed, not another tenant (issue 20, item 5;
the threat model in functions/files/README.md)."""

from __future__ import annotations

import pytest
import requests

from files import repositories as file_repos
from files.models.receipts import FileStatus
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture
def people(tenant):
    """The tenant's admin and member, plus a second member, with profiles."""
    extra = create_user(tenant_id=tenant.id, roles=["member"])
    for user in (tenant.admin, tenant.member, extra):
        seed_user_profile(tenant.id, user)
    return tenant.admin, tenant.member, extra


def uploaded(tenant_id: str, user) -> dict:
    """A ready attachment of ``user``'s: ``{id, token}``."""
    payload = {"fileName": "p.png", "contentType": "image/png", "size": len(PNG)}
    answer = call("files_create_upload", payload | {"groupingId": "attachments"}, user)
    put = requests.put(answer["uploadUrl"], data=PNG, headers=answer["uploadHeaders"], timeout=30)
    assert put.status_code == 200

    def ready() -> bool:
        return file_repos.receipts(tenant_id).require(answer["fileId"]).status is FileStatus.READY

    eventually(ready, timeout=30)
    return {"id": answer["fileId"], "token": answer["receipt"]["token"]}


def conversation(creator, kind: str, *others) -> str:
    payload = {"participantIds": [u.uid for u in others], "type": kind}
    if kind == "group":
        payload["name"] = "Team"
    return call("messaging_create_conversation", payload, creator)["conversationId"]


def send_with(user, cid: str, attachment: dict) -> str:
    payload = {"conversationId": cid, "text": "see attached", "attachments": [attachment]}
    return call("messaging_send_message", payload, user)["messageId"]


def urls_for(user, cid: str, mid: str, **extra) -> dict:
    payload = {"conversationId": cid, "messageId": mid, **extra}
    return call("messaging_get_attachment_urls", payload, user)


def refused(user, cid: str, mid: str, **extra) -> CallableError:
    with pytest.raises(CallableError) as error:
        urls_for(user, cid, mid, **extra)
    return error.value


def test_a_participant_gets_a_messages_attachment_and_downloads_its_bytes(tenant, people):
    _, member, extra = people
    file = uploaded(tenant.id, member)
    cid = conversation(member, "direct", extra)
    mid = send_with(member, cid, file)
    answer = urls_for(extra, cid, mid)
    assert (list(answer["urls"]), answer["errors"]) == ([file["id"]], {})
    assert requests.get(answer["urls"][file["id"]], timeout=30).content == PNG


def test_a_tenant_admin_outside_a_direct_conversation_gets_no_attachment_even_with_its_token(
    tenant, people
):
    admin, member, extra = people
    file = uploaded(tenant.id, member)
    cid = conversation(member, "direct", extra)
    mid = send_with(member, cid, file)
    assert refused(admin, cid, mid).status == "PERMISSION_DENIED"
    # The token, as the admin read it through the rules before: no URL either.
    harvested = call("files_get_download_urls", {"receipts": [file]}, admin)
    assert harvested["urls"] == {}
    assert harvested["errors"][file["id"]]["code"] == "held-privately"


def test_someone_of_another_tenant_gets_no_attachment(tenant, other_tenant, people):
    _, member, extra = people
    file = uploaded(tenant.id, member)
    cid = conversation(member, "direct", extra)
    mid = send_with(member, cid, file)
    assert refused(other_tenant.member, cid, mid).status == "PERMISSION_DENIED"
    stranger = refused(other_tenant.admin, cid, mid, tenantId=tenant.id)
    assert stranger.status == "PERMISSION_DENIED"


def test_a_member_added_after_a_message_gets_none_of_its_attachments(tenant, people):
    admin, member, extra = people
    file = uploaded(tenant.id, member)
    cid = conversation(member, "group", admin)
    before = send_with(member, cid, file)
    change = {"conversationId": cid, "participantIds": [extra.uid]}
    call("messaging_add_participants", change, member)
    hidden = refused(extra, cid, before)  # as if no such message: they never saw it
    assert (hidden.status, hidden.fields) == ("INVALID_ARGUMENT", ["messageId"])
    later = send_with(member, cid, uploaded(tenant.id, member))
    assert len(urls_for(extra, cid, later)["urls"]) == 1


def test_a_removed_participant_gets_no_attachment_any_more(tenant, people):
    admin, member, extra = people
    file = uploaded(tenant.id, member)
    cid = conversation(member, "group", admin, extra)
    mid = send_with(member, cid, file)
    assert len(urls_for(extra, cid, mid)["urls"]) == 1
    change = {"conversationId": cid, "participantId": extra.uid}
    call("messaging_remove_participant", change, member)
    assert refused(extra, cid, mid).status == "PERMISSION_DENIED"


def test_an_unknown_message_is_invalid_argument_naming_message_id(tenant, people):
    _, member, extra = people
    cid = conversation(member, "direct", extra)
    error = refused(extra, cid, "nope")
    assert (error.status, error.fields) == ("INVALID_ARGUMENT", ["messageId"])
