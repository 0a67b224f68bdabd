"""Where the messaging service's documents live (paths come from shared.paths only)."""

from __future__ import annotations

from messaging.models.conversations import (
    Blocks,
    Conversation,
    ConversationKey,
    Flag,
    Message,
    SendBudget,
    UnreadTotal,
)
from shared import paths
from shared.repository import CollectionRepository, SubcollectionRepository

CONVERSATIONS = "conversations"
MESSAGES = "messages"
UNREAD_TOTALS = "unreadTotals"
RATES = "messagingRates"
BLOCKS = "messagingBlocks"
FLAGS = "messageFlags"


def conversations(tenant_id: str) -> CollectionRepository[Conversation]:
    """``tenants/{tenantId}/conversations``: optimistic, because every send and read mark of
    every participant rewrites its conversation (``seq``, ``unreadCounts``): units read it
    without a lock and write it only if nobody did meanwhile."""
    return CollectionRepository(
        Conversation, paths.tenant_collection(tenant_id, CONVERSATIONS), optimistic=True
    )


def conversation_keys(tenant_id: str) -> CollectionRepository[ConversationKey]:
    """``tenants/{tenantId}/conversations`` read for ids only (projected scans)."""
    return CollectionRepository(ConversationKey, paths.tenant_collection(tenant_id, CONVERSATIONS))


def messages(tenant_id: str, conversation_id: str) -> SubcollectionRepository[Message]:
    """``tenants/{tenantId}/conversations/{conversationId}/messages``: optimistic, as
    reactions from many participants land on one message at once."""
    parent = paths.tenant_collection(tenant_id, CONVERSATIONS).document(conversation_id)
    return SubcollectionRepository(Message, parent, MESSAGES, optimistic=True)


def unread_totals(tenant_id: str) -> CollectionRepository[UnreadTotal]:
    """``tenants/{tenantId}/unreadTotals``: one per user, read by that user. Optimistic for
    the recount, the one unit that reads a total: it writes it only on the version it read,
    so an increment committed meanwhile runs it again (a locked read would make concurrent
    recounts of one user deadlock on upgrading it, and make every send to them wait).
    Commands only increment totals blindly, which carries no version."""
    return CollectionRepository(
        UnreadTotal, paths.tenant_collection(tenant_id, UNREAD_TOTALS), optimistic=True
    )


def send_budgets(tenant_id: str) -> CollectionRepository[SendBudget]:
    """``tenants/{tenantId}/messagingRates``: per-user send windows (no client reads them);
    optimistic, as one user's sends from several devices or tabs race on their window."""
    return CollectionRepository(
        SendBudget, paths.tenant_collection(tenant_id, RATES), optimistic=True
    )


def blocks(tenant_id: str) -> CollectionRepository[Blocks]:
    """``tenants/{tenantId}/messagingBlocks``: one per user, read by that user."""
    return CollectionRepository(Blocks, paths.tenant_collection(tenant_id, BLOCKS))


def flags(tenant_id: str) -> CollectionRepository[Flag]:
    """``tenants/{tenantId}/messageFlags``: read by the tenant's admins."""
    return CollectionRepository(Flag, paths.tenant_collection(tenant_id, FLAGS))
