"""What the API-key-authenticated ``customer_api`` endpoint reads and answers.

External systems see a fixed, narrow view of a tenant's data: a user is only ``id``, ``email``,
``displayName``, ``roles`` and ``disabled``, whatever else the profile holds.
"""

from typing import Any

from shared.models import Model
from user.public import DirectoryEntry

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class ExternalUser(Model):
    """A user as an external system sees it."""

    id: str
    email: str | None = None
    display_name: str
    roles: list[str]
    disabled: bool

    @classmethod
    def of(cls, user: DirectoryEntry) -> "ExternalUser":
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
