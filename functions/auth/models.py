"""Documents and requests of the auth service.

``Profile`` is the auth service's narrow view of ``tenants/{tenantId}/users/{uid}``: the fields
that decide a user's claims and sessions. Unknown stored fields are ignored, so it reads the
user service's full profiles as they grow.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from shared.models import Document, Email, Model, RequestModel


class Profile(Document):
    tenant_id: str
    email: str | None = None
    roles: list[str] = Field(default_factory=list)
    disabled: bool = False
    disabled_by: str | None = Field(
        default=None, description="`tenant` when the tenant's deactivation disabled the user."
    )
    jwt_updated_at: datetime | None = Field(
        default=None, description="When the claims last changed: clients refresh their token."
    )
    claims_job_id: str | None = Field(default=None, description="The sweep that last set them.")


class SweepAction(StrEnum):
    """The kinds of the auth service's sweeps over a tenant's users (``auth.sweeps``)."""

    REFRESH_CLAIMS = "refresh-claims"  # a tenant's products (or a role's meaning) changed


class ActionLinkRequest(RequestModel):
    email: Email


class ActionLinkAnswer(Model):
    """The same answer whether or not the email belongs to a user (nothing is revealed)."""

    accepted: bool = True
