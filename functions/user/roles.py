"""Granting roles: who may hand out which role, and the one write that changes a user's roles.

Grant validation is ``shared.roles_grant.check_grant`` (``roles/non-grantable``,
``roles/unencompassed``) for the roles given and for the roles taken away, so nobody can strip a
role they could not have granted. Nobody changes their own roles (``roles/self-grant``). The
claims follow through events: the user trigger emits ``user.updated`` with ``roles`` among the
changed fields and the auth service sets the claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from shared.permissions import role_catalog
from shared.roles_grant import check_grant, check_may_act_on
from shared.transactions import run_idempotent
from user import repositories as repos
from user.models.profiles import UserProfile
from user.profiles import require_reachable

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction


def grant_roles(ctx: AuthContext, tenant_id: str, user_id: str, roles: list[str]) -> list[str]:
    """Set ``user_id``'s roles to ``roles`` (de-duplicated, in order); answers them.

    Read and written in one transaction, so two admins changing the same user's roles at once
    serialise and the roles taken away are judged against what is really stored. Giving the
    same set again writes nothing (and so emits nothing) and is answered from a read outside
    any transaction (``run_idempotent``), so identical calls at once do not fail each other.
    """
    if user_id == ctx.uid:
        raise PermissionDenied("Nobody changes their own roles", type="roles/self-grant")
    wanted = check_grant(ctx, roles)
    repo = repos.profiles(tenant_id)

    def changes(profile: UserProfile) -> bool:
        """Check the grant against the stored profile; whether the roles would change."""
        if profile.deidentified:
            raise FailedPrecondition("The user was de-identified", type="user/deidentified")
        check_may_act_on(ctx, user_id, profile.roles)
        known = role_catalog().roles
        check_grant(ctx, [r for r in profile.roles if r not in wanted and r in known])
        return set(wanted) != set(profile.roles)

    def done() -> list[str] | None:
        """The answer from one plain read when the user already has these roles."""
        return None if changes(require_reachable(ctx, tenant_id, user_id)) else wanted

    def work(txn: Transaction) -> list[str]:
        profile = require_reachable(ctx, tenant_id, user_id, transaction=txn)
        if changes(profile):
            repo.update(
                user_id, {"roles": wanted, "version": (profile.version or 0) + 1}, writer=txn
            )
        return wanted

    return run_idempotent(work, done)
