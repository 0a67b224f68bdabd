"""Blocking: a user's list of people they will not start or continue direct conversations
with (either side's block is enough). Set semantics: blocking twice or unblocking someone not
blocked changes nothing."""

from __future__ import annotations

from messaging import repositories as repos
from messaging.content import invalid
from messaging.models.conversations import Blocks
from shared.auth_context import AuthContext
from shared.unit_of_work import UnitOfWork


def set_blocked(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str, blocked: bool
) -> Blocks:
    if user_id == ctx.uid:
        raise invalid("userId", "you cannot block yourself")
    blocks = uow.bind(repos.blocks(tenant_id))
    current = blocks.get(ctx.uid) or Blocks(id=ctx.uid)
    others = [uid for uid in current.blocked_ids if uid != user_id]
    wanted = [*others, user_id] if blocked else others
    if wanted == current.blocked_ids:
        return current
    return blocks.set(current.model_copy(update={"blocked_ids": wanted}))
