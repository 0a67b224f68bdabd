"""Requests and answers of the tenant lifecycle: deactivate, reactivate."""

from typing import Annotated

from pydantic import AwareDatetime, Field

from customer.models.tenants import DeactivationReason, Tenant
from shared.models import Model, RequestModel
from shared.types import Id, SaneInstant, Text


class DeactivateCustomer(RequestModel):
    reason: DeactivationReason = Field(description="Why the customer leaves (a closed set).")
    feedback: Text = Field(default="", description="Free text.")
    recommendation_score: int | None = Field(
        default=None, ge=0, le=10, description="0-10: would they recommend the product?"
    )
    grace_period_ends_at: Annotated[AwareDatetime, SaneInstant] | None = Field(
        default=None,
        description="Until when the tenant can be reactivated (default: 30 days from now; at "
        "most a year). Then a scheduled job closes it for good.",
    )
    tenant_id: Id | None = None


class ReactivateCustomer(RequestModel):
    tenant_id: Id = Field(description="Platform admins name the tenant.")


class LifecycleAnswer(Model):
    tenant_id: str
    tenant: Tenant
    api_keys_revoked: int | None = None
