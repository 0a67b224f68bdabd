"""Roles and permissions, declared in ``static/roles.yaml`` rather than in code.

A role grants permission patterns (``example.projects.*``; ``*`` for everything). A callable
declares the one permission it needs; the check is data-driven, never ``if role == ...``.
"""

from collections.abc import Iterable
from fnmatch import fnmatchcase

from pydantic import BaseModel, ConfigDict, Field

from shared.static_config import load_static


class Role(BaseModel):
    """One role of ``static/roles.yaml``."""

    model_config = ConfigDict(defer_build=True)  # built when the catalog is first read

    description: str = ""
    permissions: list[str] = Field(default_factory=list, description="Permission patterns.")
    grantable: bool = Field(default=True, description="False: no user can grant it to another.")


class RoleCatalog(BaseModel):
    """Every role the platform knows."""

    model_config = ConfigDict(defer_build=True)

    roles: dict[str, Role]

    def permissions_of(self, roles: Iterable[str]) -> set[str]:
        """The permission patterns granted by ``roles`` (unknown roles grant nothing)."""
        return {p for name in roles if (role := self.roles.get(name)) for p in role.permissions}

    def allows(self, roles: Iterable[str], permission: str) -> bool:
        """Whether any of ``roles`` grants ``permission``."""
        return any(fnmatchcase(permission, pattern) for pattern in self.permissions_of(roles))


def role_catalog() -> RoleCatalog:
    """``static/roles.yaml``, read and validated once per process on first use."""
    return load_static("roles.yaml", RoleCatalog)
