"""Conversations, messages and the per-user documents of the messaging service (stored)."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from shared.models import Document, Model


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MessageKind(StrEnum):
    USER = "user"
    SYSTEM = "system"


class Participant(Model):
    """What a conversation shows of one participant; kept after they leave (history)."""

    display_name: str = ""
    photo_url: str | None = None
    active: bool = Field(default=True, description="False once the user is deactivated.")
    joined_seq: int = Field(
        default=0,
        description="The conversation's `seq` when they (last) joined: they read the messages "
        "after it (unless the conversation's `history` is `all`).",
    )
    left_at: datetime | None = Field(default=None, description="Set when removed.")


class LatestMessage(Model):
    """A preview of the newest message, for conversation lists."""

    id: str
    seq: int
    sender_id: str | None = None
    kind: MessageKind = MessageKind.USER
    text: str = Field(default="", description="The first 200 characters.")
    sent_at: datetime
    deleted: bool = False


class Conversation(Document):
    """``tenants/{tenantId}/conversations/{conversationId}``.

    ``unreadCounts[uid] == seq - readPositions[uid]`` for every current participant: a message
    counts as unread for everyone but its sender, and sending moves the sender's read position
    to it (so everything after a read position is someone else's)."""

    tenant_id: str
    type: str
    direct: bool = Field(default=False, description="Fixed membership of two (its type's).")
    key: str | None = Field(default=None, description="A direct conversation's context key.")
    history: Literal["joined", "all"] = Field(
        default="joined",
        description="Its type's `history` (rules read it): `joined` bounds each participant's "
        "reading below by their `joinedSeq`.",
    )
    name: str | None = None
    created_by: str
    participant_ids: list[str] = Field(description="Current participants (rules read this).")
    participants: dict[str, Participant] = Field(
        default_factory=dict, description="Current and former participants by uid."
    )
    status: ConversationStatus = ConversationStatus.OPEN
    closed_at: datetime | None = None
    closed_reason: str | None = None
    seq: int = Field(default=0, description="Messages sent so far; each message's position.")
    latest_message: LatestMessage | None = None
    unread_counts: dict[str, int] = Field(default_factory=dict)
    read_positions: dict[str, int] = Field(default_factory=dict)
    muted_ids: list[str] = Field(default_factory=list)
    cleared_through: dict[str, int] = Field(
        default_factory=dict, description="Per user: messages up to this seq are hidden for them."
    )

    def active_ids(self) -> list[str]:
        return [
            uid for uid in self.participant_ids if self.participants.get(uid, Participant()).active
        ]


class Attachment(Model):
    """A file of the files service held by a message (no token: that is the sender's)."""

    file_id: str
    name: str
    content_type: str
    size: int | None = None


class Edit(Model):
    text: str
    attachment_ids: list[str] = Field(default_factory=list)
    edited_at: datetime


class Message(Document):
    """``tenants/{tenantId}/conversations/{conversationId}/messages/{messageId}``."""

    tenant_id: str
    conversation_id: str
    seq: int
    kind: MessageKind = MessageKind.USER
    sender_id: str | None = None
    text: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    mentions: list[str] = Field(default_factory=list)
    client_message_id: str | None = None
    sent_at: datetime
    edit_count: int = 0
    edits: list[Edit] = Field(default_factory=list, description="Earlier versions, oldest first.")
    edited_at: datetime | None = None
    deleted: bool = False
    deleted_at: datetime | None = None
    reactions: dict[str, list[str]] = Field(
        default_factory=dict, description="Emoji -> uids who reacted with it."
    )
    data: dict[str, Any] = Field(default_factory=dict, description="A system message's data.")


class UnreadTotal(Document):
    """``tenants/{tenantId}/unreadTotals/{userId}``: unread messages across conversations."""

    user_id: str
    unread_count: int = 0


class SendBudget(Document):
    """``tenants/{tenantId}/messagingRates/{userId}``: the user's fixed send window."""

    window_start: datetime
    count: int = 0


class Blocks(Document):
    """``tenants/{tenantId}/messagingBlocks/{userId}``: whom the user blocked."""

    blocked_ids: list[str] = Field(default_factory=list)


class Flag(Document):
    """``tenants/{tenantId}/messageFlags/{flagId}``: a message reported to the tenant's admins."""

    tenant_id: str
    conversation_id: str
    message_id: str
    sender_id: str | None = None
    text: str = ""
    flagged_by: str
    reason: str = ""


class ConversationKey(Document):
    """A conversation read for its id alone (projected scans over thousands of them)."""

    participant_ids: list[str] = Field(default_factory=list)
