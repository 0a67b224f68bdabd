"""What the API-key-authenticated ``customer_api`` endpoint reads and answers.

External systems see a fixed, narrow view of a tenant's data: a user is only ``id``, ``email``,
``displayName``, ``roles`` and ``disabled``, whatever else the profile holds.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.models import Document, Model

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class UserEntry(Document):
    """The fields of ``tenants/{tenantId}/users/{uid}`` (the user service's profiles) that the
    external API may show; every other stored field is ignored on read."""

    email: str | None = None
    display_name: str = ""
    roles: list[str] = Field(default_factory=list)
    disabled: bool = False
    type: str | None = Field(
        default=None, description="Read to leave platform admins out; never answered."
    )

    @property
    def platform_admin(self) -> bool:
        """A platform admin's profile inside the tenant: never shown to the tenant."""
        return self.type == "platform-admin" or "platform-admin" in self.roles


class ExternalUser(Model):
    """A user as an external system sees it."""

    id: str
    email: str | None = None
    display_name: str
    roles: list[str]
    disabled: bool

    @classmethod
    def of(cls, user: UserEntry) -> ExternalUser:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=user.roles,
            disabled=user.disabled,
        )

    def to_wire(self) -> dict[str, Any]:
        """Every field, ``email: null`` included (a stable shape for external parsers)."""
        return self.model_dump(by_alias=True, mode="json")
