"""Organisation data inside a tenant: clients, departments, locations and contacts.

Stored documents, and the requests of the four organisation callables. A create or update
payload is a union discriminated on ``kind``, so a bad field is named with its kind first, e.g.
``location.address.country`` or ``contact.customLabel``. Locations are stored as
:class:`customer.models.tenants.Location` (``customer_create`` writes the tenant's headquarters).
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from customer.models.tenants import Location
from shared.models import Document, Email, Model, PostalAddress, RequestModel
from shared.types import Change, Cursor, Id, Limit, Name, SingleLine, Text

OrgKind = Literal["client", "department", "location", "contact"]
KINDS: tuple[OrgKind, ...] = ("client", "department", "location", "contact")

Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SingleLine
]
Phone = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^\+?[0-9 ()./-]+$")]
ClientId = Annotated[Id, Field(description="A client's own entry; absent: the tenant's.")]
TenantId = Annotated[Id, Field(description="Only platform admins name a tenant.")]


class ContactType(StrEnum):
    ACCOUNT_OWNER = "account-owner"
    BILLING = "billing"
    TECHNICAL = "technical"
    CUSTOM = "custom"  # named by ``customLabel``


# -- stored documents -------------------------------------------------------------------------
class Client(Document):
    """``tenants/{tenantId}/clients/{clientId}``: a sub-customer of a reseller tenant. Its own
    departments, locations and contacts live in its subcollections."""

    tenant_id: str
    name: str
    reference: str | None = Field(default=None, description="The tenant's own id for it.")
    address: PostalAddress | None = None
    active: bool = Field(default=True, description="False once deactivated (never deleted).")


class Department(Document):
    """``tenants/{tenantId}/departments/{id}`` (or under a client)."""

    tenant_id: str
    client_id: str | None = None
    name: str
    code: str | None = None
    description: str = ""
    active: bool = True


class Contact(Document):
    """``tenants/{tenantId}/contacts/{id}`` (or under a client); ``custom_label`` names a
    ``custom`` contact and is absent on every other type."""

    tenant_id: str
    client_id: str | None = None
    type: ContactType
    custom_label: str | None = None
    name: str
    email: str | None = None
    phone: str | None = None
    active: bool = True


OrgEntry = Client | Department | Location | Contact
"""Any stored organisation document."""


# -- requests ---------------------------------------------------------------------------------
class _InScope(RequestModel):
    """Where an entry lives: the caller's tenant (or a named one), optionally one client."""

    tenant_id: TenantId | None = None
    client_id: ClientId | None = None


class ClientCreate(RequestModel):
    kind: Literal["client"]
    tenant_id: TenantId | None = None
    name: Name
    reference: Code | None = None
    address: PostalAddress | None = None


class DepartmentCreate(_InScope):
    kind: Literal["department"]
    name: Name
    code: Code | None = None
    description: Text = ""


class LocationCreate(_InScope):
    kind: Literal["location"]
    name: Name
    address: PostalAddress
    headquarters: bool = Field(
        default=False, description="Unsets the scope's previous headquarters in the same write."
    )


class ContactCreate(_InScope):
    kind: Literal["contact"]
    type: ContactType
    custom_label: Name | None = Field(default=None, description="Required for type custom.")
    name: Name
    email: Email | None = None
    phone: Phone | None = None


class _Update(_InScope):
    id: Id = Field(description="The entry to change.")


class ClientUpdate(RequestModel):
    """Fields the stored entry requires are ``Change[...]``: absent keeps, ``null`` is refused."""

    kind: Literal["client"]
    tenant_id: TenantId | None = None
    id: Id
    name: Change[Name] = None
    reference: Code | None = None
    address: PostalAddress | None = None


class DepartmentUpdate(_Update):
    kind: Literal["department"]
    name: Change[Name] = None
    code: Code | None = None
    description: Change[Text] = None


class LocationUpdate(_Update):
    kind: Literal["location"]
    name: Change[Name] = None
    address: Change[PostalAddress] = None
    headquarters: Change[bool] = Field(
        default=None, description="true moves the headquarters here; it is never just unset."
    )


class ContactUpdate(_Update):
    kind: Literal["contact"]
    type: Change[ContactType] = None
    custom_label: Name | None = None
    name: Change[Name] = None
    email: Email | None = None
    phone: Phone | None = None


class _ByKind(RootModel[Any]):
    """A union discriminated on ``kind``; a missing or unknown kind is named ``kind``."""

    # RootModel does not share :class:`shared.models.Model`'s config: without this, both
    # unions built their validators at import (7 ms of an instance's cold start).
    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_kind(cls, data: Any, handler: Any) -> Any:
        try:
            return handler(data)
        except ValidationError as error:
            if not any(
                e["type"] in {"union_tag_not_found", "union_tag_invalid"} for e in error.errors()
            ):
                raise
            kind = data.get("kind") if isinstance(data, dict) else None
            message = PydanticCustomError("kind", "must be one of: " + ", ".join(KINDS))
            raise ValidationError.from_exception_data(
                cls.__name__, [InitErrorDetails(type=message, loc=("kind",), input=kind)]
            ) from None


EntryCreate = ClientCreate | DepartmentCreate | LocationCreate | ContactCreate
EntryUpdate = ClientUpdate | DepartmentUpdate | LocationUpdate | ContactUpdate


class CreateOrgEntry(_ByKind):
    root: Annotated[EntryCreate, Field(discriminator="kind")]


class UpdateOrgEntry(_ByKind):
    root: Annotated[EntryUpdate, Field(discriminator="kind")]


class _OfKind(RequestModel):
    kind: OrgKind
    tenant_id: TenantId | None = None
    client_id: ClientId | None = None

    @field_validator("client_id")
    @classmethod
    def _clients_are_not_nested(cls, value: str | None, info: Any) -> str | None:
        if value is not None and info.data.get("kind") == "client":
            raise ValueError("clients belong to the tenant, never to a client")
        return value


class OrgEntryRef(_OfKind):
    id: Id


class ListOrgEntries(_OfKind):
    active: bool | None = Field(default=None, description="Only active (or only inactive) ones.")
    limit: Limit = 20
    cursor: Cursor | None = None


# -- answers ----------------------------------------------------------------------------------
class OrgEntryAnswer(Model):
    kind: OrgKind
    id: str
    item: OrgEntry


class OrgEntryPage(Model):
    kind: OrgKind
    items: list[OrgEntry]
    next_cursor: str | None = None
