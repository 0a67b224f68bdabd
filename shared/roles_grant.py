"""Who may hand out which roles: used by invitations, registration settings and role grants.

A role is grantable only if ``static/roles.yaml`` does not mark it ``grantable: false``
(``roles/non-grantable``), and only by a grantor who holds every permission the role grants
(``roles/unencompassed``): nobody can create a user stronger than themselves.
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
    held = catalog.permissions_of(grantor.roles)
    for name in wanted:
        missing = [p for p in catalog.roles[name].permissions if not _covered(p, held)]
        if missing:
            raise PermissionDenied(
                f"Granting {name} needs permissions you do not hold",
                type="roles/unencompassed",
                role=name,
                missing=missing,
            )
    return wanted
