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
    REFRESH_CLAIMS = "refresh-claims"  # a tenant's products (or a role's meaning) changed
    SUSPEND = "suspend"  # the tenant was deactivated: disable users, revoke sessions
    RESUME = "resume"  # the tenant was reactivated: re-enable the users its deactivation disabled


class SweepStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


class SweepJob(Document):
    """``tenants/{tenantId}/_jobs/{jobId}``: a resumable pass over every user of a tenant.

    ``page`` is the page to process next and ``cursor`` where it starts. A worker holds
    ``leaseUntil`` while it processes a page, so a duplicate delivery cannot process it twice.
    """

    tenant_id: str
    action: SweepAction
    cause: str = Field(description="What started it (an event id): the job id derives from it.")
    status: SweepStatus = SweepStatus.RUNNING
    page: int = 0
    cursor: str | None = None
    scanned: int = Field(default=0, description="Profiles read so far.")
    changed: int = Field(default=0, description="Users whose claims or account were changed.")
    lease_until: datetime | None = None
    lease_owner: str | None = Field(default=None, description="The worker holding the lease.")
    finished_at: datetime | None = None


class SweepPage(Model):
    """The payload of one ``authSweepTenantUsers`` task: work on the job from wherever it is.
    ``page`` is where the job stood when the task was queued (it names the task)."""

    tenant_id: str
    job_id: str
    page: int = Field(ge=0)


class ActionLinkRequest(RequestModel):
    email: Email


class ActionLinkAnswer(Model):
    """The same answer whether or not the email belongs to a user (nothing is revealed)."""

    accepted: bool = True
