"""Requests and answers of the API-key callables, and the scope catalog.

The stored key (``shared.api_keys.ApiKey``) lives in the shared package, which verifies keys;
what a caller ever sees of a key is :class:`ApiKeyPublic`: no salt, no hash, no secret.
"""

import re
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from shared.api_keys import ApiKey, ApiKeyStatus
from shared.models import Model, RequestModel
from shared.types import Cursor, Id, Label, Limit, SaneInstant

SCOPE_NAME = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
DEFERRED = ConfigDict(defer_build=True)
"""Validators built on first use (merged with the base's config: unknown fields stay refused)."""


class Scope(BaseModel):
    """One scope of ``static/api_scopes.yaml``."""

    model_config = DEFERRED
    description: str = Field(min_length=1)


class ScopeCatalog(BaseModel):
    """Every scope an API key can grant, keyed by ``<resource>.<verb>``."""

    model_config = DEFERRED
    scopes: dict[str, Scope] = Field(min_length=1)

    @field_validator("scopes")
    @classmethod
    def _names(cls, scopes: dict[str, Scope]) -> dict[str, Scope]:
        bad = [name for name in scopes if not re.fullmatch(SCOPE_NAME, name)]
        if bad:
            raise ValueError(f"scope names must be <resource>.<verb>: {', '.join(bad)}")
        return scopes


# -- answers ----------------------------------------------------------------------------------
class ApiKeyPublic(Model):
    """A key as its tenant's admins see it: never the secret, its salt or its hash."""

    id: str
    tenant_id: str
    name: str
    scopes: list[str]
    prefix: str = Field(description="The first characters of the secret.")
    status: ApiKeyStatus
    expires_at: datetime | None = None
    created_at: datetime | None = None
    created_by: str
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyPublic":
        return cls.model_validate(key.model_dump(exclude={"salt", "secret_hash"}))


class ApiKeyAnswer(Model):
    key_id: str
    key: ApiKeyPublic


class IssuedApiKey(ApiKeyAnswer):
    """Answered once, on create and rotate: ``apiKey`` is the plaintext, never stored."""

    api_key: str = Field(repr=False)


class ApiKeyPage(Model):
    api_keys: list[ApiKeyPublic]
    next_cursor: str | None = None


# -- requests ---------------------------------------------------------------------------------
class CreateApiKey(RequestModel):
    model_config = DEFERRED
    name: Label
    scopes: list[Label] = Field(min_length=1, max_length=20)
    expires_at: Annotated[AwareDatetime, SaneInstant] | None = Field(
        default=None, description="ISO 8601 with a time zone, in the future; none: no expiry."
    )
    tenant_id: Id | None = Field(default=None, description="Only platform admins name a tenant.")


class ApiKeyRef(RequestModel):
    model_config = DEFERRED
    key_id: Annotated[Id, Field(max_length=64)]
    tenant_id: Id | None = None


class ListApiKeys(RequestModel):
    model_config = DEFERRED
    limit: Limit = 20
    cursor: Cursor | None = None
    tenant_id: Id | None = None
