"""Requests and answers of user deactivation and reactivation, one user or all of a tenant."""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from shared.models import Model, RequestModel
from shared.sweeps import SweepStatus
from shared.types import Id

REQUEST_ID = Field(
    min_length=8,
    max_length=100,
    pattern=r"^[A-Za-z0-9_-]+$",
    description="The caller's idempotency key: the same key starts the same job once.",
)


class UserRef(RequestModel):
    user_id: Id
    tenant_id: Id | None = None


class BulkRequest(RequestModel):
    request_id: str = REQUEST_ID
    tenant_id: Id | None = None


class JobRef(RequestModel):
    job_id: Annotated[Id, Field(max_length=100)]
    tenant_id: Id | None = None


class LifecycleAnswer(Model):
    user_id: str
    disabled: bool
    deidentify_at: datetime | None = None


class JobAnswer(Model):
    job_id: str
    kind: str
    status: SweepStatus
    scanned: int
    changed: int
