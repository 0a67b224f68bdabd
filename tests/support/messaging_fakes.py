"""Helpers of the messaging unit tests: a tenant of four members, a files fake, and the
commands run on the in-memory unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from messaging import conversations, membership, messages
from messaging import repositories as repos
from messaging.conversations import MemberInfo
from messaging.models.config import MessagingConfig, messaging_config
from messaging.models.conversations import Attachment, Conversation, Message
from shared.auth_context import AuthContext
from shared.unit_of_work import UnitOfWork
from tests.support.fake_uow import FakeUnitOfWork

T = "t1"
MEMBERS = {uid: MemberInfo(display_name=uid.upper()) for uid in ("ann", "bob", "cat", "dan")}


def ctx(uid: str, *roles: str) -> AuthContext:
    return AuthContext(uid=uid, tenant_id=T, roles=roles or ("member",))


class FakeFiles:
    """Files the test says exist (id -> token); records holds and releases."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files = files or {}
        self.held: list[tuple[str, str]] = []
        self.released: list[tuple[str, str]] = []

    def hold(
        self, uow: UnitOfWork, tenant_id: str, files: Sequence[tuple[str, str]], holder: str
    ) -> list[Attachment]:
        from shared.errors import NotFound

        for file_id, token in files:
            if self.files.get(file_id) != token:
                raise NotFound("no such file", fileId=file_id)
        self.held.extend((file_id, holder) for file_id, _ in files)
        return [
            Attachment(file_id=file_id, name=f"{file_id}.pdf", content_type="application/pdf")
            for file_id, _ in files
        ]

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        self.released.append((file_id, holder))


def config(**changes: Any) -> MessagingConfig:
    return messaging_config().model_copy(update=changes)


def create(
    uow: FakeUnitOfWork, caller: str, others: list[str], type_name: str = "group", **kw: Any
):
    return uow.run(
        lambda u: conversations.create_conversation(
            u,
            ctx(caller),
            T,
            kw.get("config", messaging_config()),
            type_name=type_name,
            others=others,
            key=kw.get("key"),
            name=kw.get("name"),
            members=kw.get("members", MEMBERS),
        )
    )


def send(uow: FakeUnitOfWork, caller: str, cid: str, text: str = "hi", **kw: Any):
    return uow.run(
        lambda u: messages.send_message(
            u,
            ctx(caller),
            T,
            kw.get("config", messaging_config()),
            conversation_id=cid,
            text=text,
            client_message_id=kw.get("client_message_id"),
            receipts=kw.get("receipts", []),
            attachments=kw.get("files", FakeFiles()),
            new_id=kw.get("new_id", uuid.uuid4().hex),
            now=kw.get("now"),
        )
    )


def add(uow: FakeUnitOfWork, caller: AuthContext, cid: str, ids: list[str], **kw: Any):
    """``membership.add_participants`` as ``caller``; the announcement's id is ``new_id``."""
    return uow.run(
        lambda u: membership.add_participants(
            u,
            caller,
            T,
            kw.get("config", messaging_config()),
            cid,
            ids,
            kw.get("members", MEMBERS),
            new_id=kw.get("new_id", uuid.uuid4().hex),
        )
    )


def remove(uow: FakeUnitOfWork, caller: AuthContext, cid: str, uid: str, **kw: Any):
    """``membership.remove_participant`` as ``caller`` (leaving when ``uid`` is theirs)."""
    return uow.run(
        lambda u: membership.remove_participant(
            u,
            caller,
            T,
            cid,
            uid,
            kw.get("members", MEMBERS),
            new_id=kw.get("new_id", uuid.uuid4().hex),
        )
    )


def stored(uow: FakeUnitOfWork, cid: str) -> Conversation:
    return uow.store[str(repos.conversations(T).path)][cid]


def total(uow: FakeUnitOfWork, uid: str) -> int:
    found = uow.store.get(str(repos.unread_totals(T).path), {}).get(uid)
    return found.unread_count if found else 0


def message(uow: FakeUnitOfWork, cid: str, mid: str) -> Message:
    return uow.store[str(repos.messages(T, cid).path)][mid]
