"""Base models: camelCase on the wire and in Firestore, snake_case in Python.

``RequestModel`` refuses unknown fields so a typo in a payload is named, not ignored.
``Document`` is what repositories store: ``id`` lives in the document path, not in its data,
and values round-trip faithfully (timestamps stay timestamps, enums are stored by value,
nested models become maps).
"""

import re
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}")


def _email(value: str) -> str:
    """A plausible address, lower-cased: deliverability is the mail server's job, and the
    ``email-validator`` package would cost every cold start its import."""
    value = value.strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError("not a valid email address")
    return value.lower()


Email = Annotated[str, AfterValidator(_email)]
"""An email address, validated and lower-cased (the form every lookup by email uses)."""


class Model(BaseModel):
    """camelCase aliases, populated by either name."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready camelCase form answered to clients."""
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)


class PostalAddress(Model):
    """A postal address, as tenants, locations and profiles hold it. ``postalCode`` and
    ``region`` are optional: many countries have neither."""

    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str | None = Field(default=None, min_length=1, max_length=20)
    region: str | None = Field(default=None, max_length=100)
    country: str = Field(
        pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2, e.g. DE (stored upper-case)."
    )

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class RequestModel(Model):
    """A callable's payload: unknown fields are an error naming the field."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=True,
        defer_build=True,
    )


class Document(Model):
    """A stored document. Unknown stored fields are kept out of the model, not rejected,
    so older code can read documents written by newer code."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True
    )

    id: str = Field(default="", description="The document id (the last segment of its path).")
    created_at: datetime | None = Field(
        default=None, description="Set by the repository on create."
    )
    updated_at: datetime | None = Field(
        default=None, description="Set by the repository on every write."
    )
    version: int | None = Field(
        default=None, description="Optional optimistic-concurrency counter."
    )

    def to_firestore(self) -> dict[str, Any]:
        """The document data as Firestore stores it (no ``id``; enums by value)."""
        data = self.model_dump(by_alias=True, mode="python", exclude={"id"})
        return {key: to_firestore_value(value) for key, value in data.items()}

    @classmethod
    def from_firestore(cls, doc_id: str, data: dict[str, Any]) -> Self:
        """Rebuild the model from a snapshot's id and data."""
        return cls.model_validate({**data, "id": doc_id})


def to_firestore_value(value: Any) -> Any:
    """Convert a dumped value to what the Firestore client encodes faithfully."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return to_firestore_value(value.model_dump(by_alias=True, mode="python"))
    if isinstance(value, dict):
        return {key: to_firestore_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_firestore_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(to_firestore_value(item) for item in value)
    return value
