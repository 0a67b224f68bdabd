"""Attribute-level permissions on profiles: which fields a caller reads and changes.

Declared in ``static/user_attributes.yaml`` (data, not code) and validated once per process by
:class:`AttributeConfig`: a config that lets anyone write a protected field is refused at load,
so a mistake in the file stops the service instead of opening a hole. Field names are the
camelCase names of the wire and of Firestore.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.errors import InvalidArgument
from shared.static_config import load_static
from user.models.profiles import PERSONAL_FIELDS, UserProfile, UserType

CONFIG_FILE = "user_attributes.yaml"
BASELINE_PROTECTED = frozenset(
    {
        "id",
        "tenantId",
        "email",
        "roles",
        "disabled",
        "disabledBy",
        "disabledAt",
        "deidentified",
        "deidentifiedAt",
        "jwtUpdatedAt",
        "termsVersion",
        "termsAcceptedAt",
        "createdAt",
        "updatedAt",
        "version",
    }
)
"""Protected whatever the file says: a config that leaves one out is refused."""
ALWAYS_READ = frozenset({"id", "tenantId", "email"})
"""Every read list must include these (a profile answer always names whom it is about)."""


def profile_fields() -> frozenset[str]:
    """The camelCase names of every profile field."""
    return frozenset(info.alias or name for name, info in UserProfile.model_fields.items())


class FieldAccess(BaseModel):
    """The fields one kind of caller reads and changes on one kind of profile."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    read: frozenset[str]
    write: frozenset[str] = frozenset()


class AttributeConfig(BaseModel):
    """The whole of ``static/user_attributes.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    protected: frozenset[str]
    private: frozenset[str] = frozenset()
    self_protected: frozenset[str] = Field(default=frozenset(), alias="selfProtected")
    own: dict[UserType, FieldAccess] = Field(alias="self")
    others: dict[UserType, FieldAccess]

    @model_validator(mode="after")
    def _safe(self) -> Self:
        known = profile_fields()
        missing_types = [t.value for t in UserType if t not in self.own or t not in self.others]
        if missing_types:
            raise ValueError(f"every user type needs self and others entries: {missing_types}")
        if not self.protected >= BASELINE_PROTECTED:
            raise ValueError(
                f"protected must include {sorted(BASELINE_PROTECTED - self.protected)}"
            )
        lists = [("protected", self.protected), ("selfProtected", self.self_protected)]
        for section, entries in (("self", self.own), ("others", self.others)):
            for user_type, access in entries.items():
                lists += [
                    (f"{section}.{user_type.value}.read", access.read),
                    (f"{section}.{user_type.value}.write", access.write),
                ]
                if not access.read >= ALWAYS_READ:
                    raise ValueError(
                        f"{section}.{user_type.value}.read must include id, tenantId, email"
                    )
                forbidden = access.write & (
                    self.protected | (self.self_protected if section == "self" else frozenset())
                )
                if forbidden:
                    raise ValueError(
                        f"{section}.{user_type.value}.write names protected fields: "
                        f"{sorted(forbidden)}"
                    )
                from user.models.requests import EDITABLE_FIELDS  # not at a trigger's start

                not_editable = access.write - EDITABLE_FIELDS
                if not_editable:
                    raise ValueError(
                        f"{section}.{user_type.value}.write names fields no write may carry: "
                        f"{sorted(not_editable)}"
                    )
        lists.append(("private", self.private))
        personal = {UserProfile.model_fields[name].alias or name for name in PERSONAL_FIELDS}
        for user_type in UserType:
            exposed = (self.own[user_type].read - self.others[user_type].read) & personal
            if exposed - self.private:
                raise ValueError(
                    f"others.{user_type.value} may not read {sorted(exposed - self.private)}, "
                    "so they must be listed under private (kept out of the profile document)"
                )
        for name, fields in lists:
            unknown = fields - known
            if unknown:
                raise ValueError(f"{name} names unknown profile fields: {sorted(unknown)}")
        return self

    def private_fields(self, profile_type: UserType) -> frozenset[str]:
        """The camelCase fields of a profile of this type kept in its private document: the
        ``private`` fields that tenant admins may not read."""
        return self.private - self.others[profile_type].read

    def access(self, *, own: bool, profile_type: UserType) -> FieldAccess:
        """The lists for the caller's own profile, or for another user's of that type."""
        return (self.own if own else self.others)[profile_type]


def parse_config(data: Mapping[str, Any]) -> AttributeConfig:
    """Validate a config (``ValueError`` / ``ValidationError`` when it is unsafe or malformed)."""
    return AttributeConfig.model_validate(data)


def attribute_config() -> AttributeConfig:
    """The service's config, read and validated once per process on first use."""
    return load_static(CONFIG_FILE, AttributeConfig)


def visible(profile: UserProfile, access: FieldAccess) -> dict[str, Any]:
    """The profile's wire form with only the readable fields."""
    return {key: value for key, value in profile.to_wire().items() if key in access.read}


def check_writable(changes: Iterable[str], access: FieldAccess) -> None:
    """Refuse, naming every field, a write that touches a field outside ``access.write``."""
    refused = [name for name in changes if name not in access.write]
    if refused:
        raise InvalidArgument(
            f"Fields you may not change: {', '.join(refused)}",
            type="profile/field-not-writable",
            fields=[{"field": name, "message": "not writable by you"} for name in refused],
        )
