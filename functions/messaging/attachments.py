"""Attachments are files of the files service: a message holds their receipts' interest.

The commands take an :class:`AttachmentStore` so their rules can be unit-tested with a fake;
:class:`FilesAttachments` is the real one, over ``files.public`` inside the command's
unit of work (the reference commits with the message, or neither does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from messaging.models.conversations import Attachment
from shared.unit_of_work import UnitOfWork


def holder(conversation_id: str, message_id: str) -> str:
    """The name under which a message holds its files."""
    return f"messaging/{conversation_id}/{message_id}"


class AttachmentStore(Protocol):
    def hold(
        self, uow: UnitOfWork, tenant_id: str, files: Sequence[tuple[str, str]], holder: str
    ) -> list[Attachment]:
        """Register ``holder``'s interest in each ``(fileId, token)`` (each id once, its token
        checked), in order; every file is read before anything is written, so call it before
        the command's writes. ``NotFound`` / ``FailedPrecondition`` name the refused file in
        ``extra["fileId"]``."""
        ...

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        """Let go of the file for ``holder`` (a write only)."""
        ...


class FilesAttachments:
    """The files service's references, in the unit's Firestore transaction."""

    def hold(
        self, uow: UnitOfWork, tenant_id: str, files: Sequence[tuple[str, str]], holder: str
    ) -> list[Attachment]:
        from files.public import add_references

        views = add_references(tenant_id, list(files), holder, uow=uow)
        return [
            Attachment(file_id=v.id, name=v.name, content_type=v.content_type, size=v.size)
            for v in views
        ]

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        from files.public import remove_reference

        remove_reference(tenant_id, file_id, holder, uow=uow)
