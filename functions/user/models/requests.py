"""Requests and answers of the user service's callables, and the values a profile write may carry.

Profiles travel as plain dicts on the way out: what a caller sees is filtered field by field by
``static/user_attributes.yaml`` (``user.attributes``), so no fixed answer model fits them all.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from shared.models import Model, PostalAddress, RequestModel
from shared.types import (
    Cursor,
    Id,
    Label,
    Limit,
    Line,
    Name,
    NotReserved,
    SingleLine,
    Text,
)
from user.models.profiles import NOTIFICATION_ID

UserId = Annotated[Id, Field(description="A Firebase uid.")]
TENANT_ID = Field(default=None, description="Only platform admins name a tenant.")
ROLE_NAME = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
TERMS_VERSION = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$"


class ProfileChanges(RequestModel):
    """Every profile field a write may ever carry, with its value rules. Which of them a caller
    may set is the attribute config's business; a protected field is not even here."""

    display_name: Name | None = None
    first_name: Annotated[Name, Field(max_length=100)] | None = None
    last_name: Annotated[Name, Field(max_length=100)] | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()./-]{3,32}$")
    photo_url: str | None = Field(default=None, max_length=2048, pattern=r"^https://\S+$")
    address: PostalAddress | None = None
    about: Text | None = None
    pronouns: Annotated[Line, Field(max_length=40)] | None = None
    locale: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    department_id: Id | None = None
    location_id: Id | None = None
    company_role: Annotated[Line, Field(max_length=100)] | None = None
    type: Literal["consumer", "business"] | None = Field(
        default=None, description="Admins move a user between consumer and business."
    )


EDITABLE_FIELDS = frozenset(
    info.alias or name for name, info in ProfileChanges.model_fields.items()
)
"""The camelCase names of every field a profile write may name at all."""


# -- profiles ---------------------------------------------------------------------------------
class GetProfile(RequestModel):
    user_id: Id | None = Field(default=None, description="Another user (admins).")
    tenant_id: Id | None = TENANT_ID


class _ProfileWrite(RequestModel):
    """A profile write: the fields to change sit at the top level of the payload, beside the
    request's own keys (``{"displayName": "Mia"}``). Which names a caller may write, and their
    values, are checked by ``user.profiles`` against the attribute config and ``ProfileChanges``
    (so a field outside the caller's list is named as such, not as an unknown key)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", defer_build=True
    )

    tenant_id: Id | None = TENANT_ID

    @property
    def changes(self) -> dict[str, Any]:
        """camelCase field -> new value (``null`` clears an optional field)."""
        return dict(self.model_extra or {})


class UpdateProfile(_ProfileWrite):
    """The caller's own fields to change."""


class AdminUpdate(_ProfileWrite):
    """Another user's fields to change, with ``userId`` naming them."""

    user_id: UserId


class ListUsers(RequestModel):
    role: ROLE_NAME | None = None
    type: Literal["consumer", "business"] | None = None
    disabled: bool | None = None
    name_prefix: Label | None = None
    email_prefix: (
        Annotated[str, StringConstraints(min_length=1, max_length=254), SingleLine] | None
    ) = None
    limit: Limit = 20
    cursor: Cursor | None = None
    tenant_id: Id | None = TENANT_ID


class ProfileAnswer(Model):
    profile: dict[str, Any] = Field(description="Only the fields the caller may read.")


class UserPage(Model):
    users: list[dict[str, Any]]
    next_cursor: str | None = None


# -- roles ------------------------------------------------------------------------------------
class GrantRoles(RequestModel):
    user_id: UserId
    roles: list[ROLE_NAME] = Field(max_length=20, description="The user's roles from now on.")
    tenant_id: Id | None = TENANT_ID


class RolesAnswer(Model):
    user_id: str
    roles: list[str]


# -- terms ------------------------------------------------------------------------------------
class AcceptTerms(RequestModel):
    version: str = Field(pattern=TERMS_VERSION)
    tenant_id: Id | None = TENANT_ID


class TermsAnswer(Model):
    version: str
    accepted_at: datetime
    first: bool = Field(description="True for the user's first acceptance ever.")


class ListTermsPending(RequestModel):
    limit: Limit = 20
    cursor: Cursor | None = None
    tenant_id: Id | None = TENANT_ID


class TermsPendingPage(Model):
    current_version: str
    users: list[dict[str, Any]]
    next_cursor: str | None = None


# -- preferences ------------------------------------------------------------------------------
NotificationId = Annotated[
    str, StringConstraints(max_length=100, pattern=NOTIFICATION_ID), NotReserved
]
"""A notification id, e.g. ``messaging.message_sent``: a key of the stored preferences map,
written with ``set`` (so a dot is part of the name, never a path), never ``__reserved__``."""


class ChannelChoicesChange(RequestModel):
    """Channels are a closed set: an unknown one is refused, naming it. ``null`` drops the
    choice (the notification's default applies again)."""

    email: bool | None = None
    push: bool | None = None
    in_app: bool | None = None
    slack: bool | None = None
    teams: bool | None = None


class UpdatePreferences(RequestModel):
    notifications: dict[NotificationId, ChannelChoicesChange] = Field(min_length=1, max_length=100)
    tenant_id: Id | None = TENANT_ID


class GetPreferences(RequestModel):
    tenant_id: Id | None = TENANT_ID


class PreferencesAnswer(Model):
    notifications: dict[str, dict[str, bool]]
