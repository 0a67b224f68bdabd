"""Requests and answers of the messaging callables."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.models import Model, RequestModel
from shared.types import Id, Label, Line, Name, SingleLine

MessageText = Annotated[str, StringConstraints(max_length=20000)]
"""Bounded here loosely; the declared ``maxTextLength`` and control characters are checked by
the domain (:func:`messaging.messages.clean_text`), naming ``text``."""

Emoji = Annotated[str, StringConstraints(min_length=1, max_length=32), SingleLine]
ParticipantIds = Annotated[list[Id], Field(min_length=1, max_length=1000)]


class AttachmentReceipt(RequestModel):
    """A receipt the files service gave the sender (``files_create_upload``)."""

    id: Id
    token: Annotated[str, StringConstraints(min_length=1, max_length=200), SingleLine]


class CreateConversation(RequestModel):
    participant_ids: ParticipantIds = Field(description="The others; the caller is added.")
    type: Label = Field(description="A type of static/messaging.yaml (`direct`, `group`, ...).")
    key: Id | None = Field(default=None, description="A direct conversation's context key.")
    name: Name | None = Field(default=None, description="A group's name.")
    tenant_id: Id | None = None


class SendMessage(RequestModel):
    conversation_id: Id
    text: MessageText = ""
    client_message_id: Id | None = Field(default=None, description="Retry-safe sends.")
    attachments: list[AttachmentReceipt] = Field(default_factory=list, max_length=10)
    tenant_id: Id | None = None


class MarkRead(RequestModel):
    conversation_id: Id
    message_id: Id
    tenant_id: Id | None = None


class ParticipantsChange(RequestModel):
    conversation_id: Id
    participant_ids: ParticipantIds
    tenant_id: Id | None = None


class RemoveParticipant(RequestModel):
    conversation_id: Id
    participant_id: Id
    tenant_id: Id | None = None


class EditMessage(RequestModel):
    conversation_id: Id
    message_id: Id
    text: MessageText
    attachment_ids: list[Id] | None = Field(
        default=None, description="Attachments to keep (a subset); absent keeps them all."
    )
    tenant_id: Id | None = None


class MessageRef(RequestModel):
    conversation_id: Id
    message_id: Id
    tenant_id: Id | None = None


class React(RequestModel):
    conversation_id: Id
    message_id: Id
    emoji: Emoji
    action: Literal["add", "remove"] = "add"
    tenant_id: Id | None = None


class ConversationRef(RequestModel):
    conversation_id: Id
    tenant_id: Id | None = None


class Mute(RequestModel):
    conversation_id: Id
    muted: bool = True
    tenant_id: Id | None = None


class BlockUser(RequestModel):
    user_id: Id
    tenant_id: Id | None = None


class FlagMessage(RequestModel):
    conversation_id: Id
    message_id: Id
    reason: Line = ""
    tenant_id: Id | None = None


# -- answers ----------------------------------------------------------------------------------
class ConversationAnswer(Model):
    conversation_id: str
    created: bool = False


class MessageAnswer(Model):
    message_id: str
    seq: int
    duplicate: bool = Field(default=False, description="A retried send: the first one's message.")


class UnreadAnswer(Model):
    unread_count: int
    read_position: int


class OkAnswer(Model):
    ok: bool = True
