"""Granting roles: who may hand out which role, and the one write that changes a user's roles.

Grant validation is ``shared.roles_grant.check_grant`` (``roles/non-grantable``,
``roles/unencompassed``) for the roles given and for the roles taken away, so nobody can strip a
role they could not have granted. Nobody changes their own roles (``roles/self-grant``). The
claims follow through events: the user trigger emits ``user.updated`` with ``roles`` among the
changed fields and the auth service sets the claims.
"""

from __future__ import annotations

from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, PermissionDenied
from shared.permissions import role_catalog
from shared.roles_grant import check_grant, check_may_act_on
from shared.unit_of_work import UnitOfWork
from user import repositories as repos
from user.profiles import require_reachable


def grant_roles(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str, roles: list[str]
) -> list[str]:
    """Set ``user_id``'s roles to ``roles`` (de-duplicated, in order); answers them.

    Read and written in one unit, so two admins changing the same user's roles at once
    serialise and the roles taken away are judged against what is really stored. Giving the
    same set again writes nothing (and so emits nothing): the callable runs it with
    ``check_first``, so a repeat is answered from plain reads and identical calls at once do not
    fail each other.
    """
    if user_id == ctx.uid:
        raise PermissionDenied("Nobody changes their own roles", type="roles/self-grant")
    wanted = check_grant(ctx, roles)
    profile = require_reachable(ctx, tenant_id, user_id, uow)
    if profile.deidentified:
        raise FailedPrecondition("The user was de-identified", type="user/deidentified")
    check_may_act_on(ctx, user_id, profile.roles)
    known = role_catalog().roles
    check_grant(ctx, [r for r in profile.roles if r not in wanted and r in known])
    if set(wanted) != set(profile.roles):
        uow.bind(repos.profiles(tenant_id)).update(
            user_id, {"roles": wanted, "version": (profile.version or 0) + 1}
        )
    return wanted
