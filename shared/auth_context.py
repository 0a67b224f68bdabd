"""Who is calling, and for which tenant: built from verified token claims only.

A request's tenant comes from the ``tenantId`` claim, never from the payload. A payload that
names another tenant is refused (``tenant/mismatch``) unless the caller is a platform admin,
who acts across tenants explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.errors import PermissionDenied, Unauthenticated
from shared.permissions import role_catalog

PLATFORM_ADMIN_ROLE = "platform-admin"


@dataclass(frozen=True, kw_only=True)
class AuthContext:
    """The verified identity of a caller."""

    uid: str
    tenant_id: str | None = None
    app_user_id: str | None = None
    roles: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    platform_admin: bool = False
    email: str | None = None  # only a verified email; None for an unverified one
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_claims(cls, uid: str | None, claims: Mapping[str, Any] | None) -> AuthContext:
        """Build the context from a verified token; no uid means ``unauthenticated``."""
        if not uid:
            raise Unauthenticated("Sign in to call this function")
        claims = claims or {}
        roles = tuple(str(r) for r in claims.get("roles") or ())
        return cls(
            uid=uid,
            tenant_id=claims.get("tenantId") or None,
            app_user_id=claims.get("appUserId") or uid,
            roles=roles,
            products=tuple(str(p) for p in claims.get("products") or ()),
            platform_admin=bool(claims.get("platformAdmin")) or PLATFORM_ADMIN_ROLE in roles,
            # an unverified token email is the user's say-so (updateEmail needs no proof)
            email=claims.get("email") if claims.get("email_verified") is True else None,
            claims=dict(claims),
        )

    @classmethod
    def anonymous(cls) -> AuthContext:
        """The context of a public callable's signed-out caller: no uid, no tenant, no roles."""
        return cls(uid="")

    def can(self, permission: str) -> bool:
        """Whether the caller's roles grant ``permission`` (platform admins hold all)."""
        return self.platform_admin or role_catalog().allows(self.roles, permission)

    def require(self, permission: str) -> None:
        """Refuse with ``permission-denied`` unless the caller holds ``permission``."""
        if not self.can(permission):
            raise PermissionDenied(
                f"Missing permission {permission}",
                type="auth/missing-permission",
                permission=permission,
            )

    def tenant(self, requested: str | None = None) -> str:
        """The tenant this call acts on.

        The caller's own tenant; a payload's ``tenantId`` must match it, except for platform
        admins, who must name the tenant they act on.
        """
        if self.platform_admin and requested:
            return requested
        if self.tenant_id is None:
            raise PermissionDenied("The caller belongs to no tenant", type="tenant/none")
        if requested and requested != self.tenant_id:
            raise PermissionDenied("The request names another tenant", type="tenant/mismatch")
        return self.tenant_id
