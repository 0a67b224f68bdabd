"""Custom claims: the one way any service sets them.

The claims on an ID token are ``tenantId``, ``appUserId``, ``roles``, ``products`` and
``platformAdmin`` (true only). Firebase refuses custom claims over 1,000 bytes of JSON; this
module checks shape and size first and refuses clearly (``claims/too-large``), so a bad value
never reaches the Auth API half-way through a bulk run.
"""

import json
from typing import Any

from pydantic import Field, ValidationError

from shared.errors import InvalidArgument, invalid_argument_from
from shared.models import Model

MAX_BYTES = 1000
ID = Field(default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class Claims(Model):
    """The foundation's custom claims (unknown keys refused: claims are not a scratch pad)."""

    model_config = {**Model.model_config, "extra": "forbid"}

    tenant_id: str | None = ID
    app_user_id: str | None = ID
    roles: list[str] = Field(default_factory=list, max_length=20)
    products: list[str] = Field(default_factory=list, max_length=20)
    platform_admin: bool = False

    def to_token_claims(self) -> dict[str, Any]:
        """The JSON object set on the user: absent rather than null, ``platformAdmin`` only
        when true, lists de-duplicated and sorted so the same claims always compare equal."""
        claims: dict[str, Any] = {"roles": sorted(set(self.roles))}
        if self.products:
            claims["products"] = sorted(set(self.products))
        if self.tenant_id:
            claims["tenantId"] = self.tenant_id
        if self.app_user_id:
            claims["appUserId"] = self.app_user_id
        if self.platform_admin:
            claims["platformAdmin"] = True
        return claims


def validate(claims: Claims | dict[str, Any]) -> dict[str, Any]:
    """The token claims for ``claims``; ``invalid-argument`` on a bad shape or size."""
    try:
        model = claims if isinstance(claims, Claims) else Claims.model_validate(claims)
    except ValidationError as error:
        raise invalid_argument_from(error) from error
    token_claims = model.to_token_claims()
    size = len(json.dumps(token_claims, separators=(",", ":")).encode())
    if size > MAX_BYTES:
        raise InvalidArgument(
            f"Custom claims are {size} bytes; Firebase allows at most {MAX_BYTES}",
            type="claims/too-large",
            size=size,
        )
    return token_claims


def set_claims(uid: str, claims: Claims | dict[str, Any]) -> dict[str, Any]:
    """Validate and set the user's custom claims; returns what was set."""
    from firebase_admin import auth

    from shared.clients import admin_app

    token_claims = validate(claims)
    auth.set_custom_user_claims(uid, token_claims, app=admin_app())
    return token_claims
