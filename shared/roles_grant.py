"""Who may hand out which roles: used by invitations, registration settings and role grants.

A role is grantable only if ``static/roles.yaml`` does not mark it ``grantable: false``
(``roles/non-grantable``), and only by a grantor who holds every permission the role grants
(``roles/unencompassed``): nobody can create a user stronger than themselves.

The same rule bounds whom one may act on (``check_may_act_on``): nobody deactivates, edits or
changes the roles of a user who holds a role the actor could not grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from shared.auth_context import AuthContext
from shared.errors import InvalidArgument, PermissionDenied
from shared.permissions import role_catalog


def _covered(permission: str, held: set[str]) -> bool:
    """A role's permission pattern is held if one of the grantor's patterns matches it
    as a string (``example.*`` covers ``example.tasks.read`` and ``example.*``)."""
    return any(fnmatchcase(permission, pattern) for pattern in held)


def _unencompassed(grantor: AuthContext, role: str) -> list[str]:
    """The permissions of ``role`` that ``grantor`` does not hold (empty: they may grant it)."""
    catalog = role_catalog()
    held = catalog.permissions_of(grantor.roles)
    return [p for p in catalog.roles[role].permissions if not _covered(p, held)]


def may_act_on(actor: AuthContext, target_roles: Iterable[str]) -> bool:
    """Whether ``actor`` may act on a user holding ``target_roles`` (:func:`check_may_act_on`
    as a test, for sweeps that skip such users)."""
    try:
        check_may_act_on(actor, "", target_roles)
    except PermissionDenied:
        return False
    return True


def check_may_act_on(actor: AuthContext, target_id: str, target_roles: Iterable[str]) -> None:
    """Refuse (``roles/unencompassed``) to act on a user above the actor's station: one who
    holds a role the actor could not grant (``platform-admin`` included, for everyone but
    platform admins; roles unknown to the catalog grant nothing, so they weigh nothing). Used
    by deactivation, reactivation, admin edits and role grants."""
    if actor.platform_admin:
        return
    known = role_catalog().roles
    for role in target_roles:
        missing = _unencompassed(actor, role) if role in known else []
        if missing:
            raise PermissionDenied(
                f"The user {target_id} holds {role}, which needs permissions you do not hold",
                type="roles/unencompassed",
                userId=target_id,
                role=role,
                missing=missing,
            )


def check_grant(grantor: AuthContext, roles: Iterable[str], *, field: str = "roles") -> list[str]:
    """The roles, de-duplicated, if ``grantor`` may grant all of them; else a clear refusal."""
    catalog = role_catalog()
    wanted = list(dict.fromkeys(roles))
    unknown = [name for name in wanted if name not in catalog.roles]
    if unknown:
        raise InvalidArgument(
            f"Unknown roles: {', '.join(unknown)}",
            fields=[{"field": field, "message": f"unknown roles: {', '.join(unknown)}"}],
        )
    for name in wanted:
        if not catalog.roles[name].grantable:
            raise PermissionDenied(
                f"The role {name} cannot be granted", type="roles/non-grantable", role=name
            )
    if grantor.platform_admin:
        return wanted
    for name in wanted:
        missing = _unencompassed(grantor, name)
        if missing:
            raise PermissionDenied(
                f"Granting {name} needs permissions you do not hold",
                type="roles/unencompassed",
                role=name,
                missing=missing,
            )
    return wanted
