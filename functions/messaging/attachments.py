"""Attachments are files of the files service: a message holds their receipts' interest.

The commands take an :class:`AttachmentStore` so their rules can be unit-tested with a fake;
:class:`FilesAttachments` is the real one, over ``files.public`` inside the command's
unit of work (the reference commits with the message, or neither does).
"""

from __future__ import annotations

from typing import Protocol

from messaging.models.conversations import Attachment
from shared.unit_of_work import UnitOfWork


def holder(conversation_id: str, message_id: str) -> str:
    """The name under which a message holds its files."""
    return f"messaging/{conversation_id}/{message_id}"


class AttachmentStore(Protocol):
    def hold(
        self, uow: UnitOfWork, tenant_id: str, file_id: str, token: str, holder: str
    ) -> Attachment:
        """Register ``holder``'s interest in the file (its token checked); reads, so call it
        before the command's writes."""
        ...

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        """Let go of the file for ``holder`` (a write only)."""
        ...


class FilesAttachments:
    """The files service's references, in the unit's Firestore transaction."""

    def hold(
        self, uow: UnitOfWork, tenant_id: str, file_id: str, token: str, holder: str
    ) -> Attachment:
        from files.public import add_reference

        view = add_reference(tenant_id, file_id, holder, token=token, uow=uow)
        return Attachment(
            file_id=view.id, name=view.name, content_type=view.content_type, size=view.size
        )

    def release(self, uow: UnitOfWork, tenant_id: str, file_id: str, holder: str) -> None:
        from files.public import remove_reference

        remove_reference(tenant_id, file_id, holder, uow=uow)
