"""Self-registration domains: the global claim document and the registration requests.

``registrationDomains/{domain}`` says which tenant claimed a domain and whether the claim is
verified. Its id is the domain, so a domain belongs to at most one tenant (claimed in a
transaction), and placing a verified sign-up costs one read by id. Closed to clients
(firestore.rules: no match).
"""

import re
from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from customer.models.tenants import RegistrationSettings
from shared.models import Document, Model, RequestModel
from shared.types import Id, Label

TXT_PREFIX = "foundation-verification="
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def clean_domain(value: str) -> str:
    """``@Acme.COM `` -> ``acme.com``; ``ValueError`` when it is not a domain name."""
    domain = value.strip().lower().removeprefix("@")
    if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        raise ValueError(f"not a domain: {value!r}")
    return domain


class DomainStatus(StrEnum):
    PENDING = "pending"  # claimed, not yet proven: places nobody
    VERIFIED = "verified"


class VerifiedThrough(StrEnum):
    DNS = "dns"  # the TXT record was found
    PLATFORM_ADMIN = "platform-admin"  # approved by hand (the fallback)


class RegistrationDomain(Document):
    """``registrationDomains/{domain}``: a tenant's claim on an email domain."""

    domain: str
    tenant_id: str
    status: DomainStatus = DomainStatus.PENDING
    verification_token: str = Field(
        description="Published by the tenant as a TXT record: not a secret once published."
    )
    requested_by: str
    verified_at: datetime | None = None
    verified_by: str | None = None
    verified_through: VerifiedThrough | None = None

    @property
    def txt_record(self) -> str:
        return TXT_PREFIX + self.verification_token

    def public(self) -> "DomainPublic":
        return DomainPublic(
            domain=self.domain,
            status=self.status,
            txt_record=self.txt_record,
            verified_through=self.verified_through,
            verified_at=self.verified_at,
        )


class DomainPublic(Model):
    domain: str
    status: DomainStatus
    txt_record: str = Field(description="Publish this TXT record on the domain, then verify.")
    verified_through: VerifiedThrough | None = None
    verified_at: datetime | None = None


# -- requests and answers ---------------------------------------------------------------------
class UpdateRegistration(RequestModel):
    whitelisted_domains: list[str] = Field(max_length=50)
    default_roles: list[Label] = Field(min_length=1, max_length=10)
    tenant_id: Id | None = None

    @field_validator("whitelisted_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        return sorted({clean_domain(d) for d in domains})


class DomainRef(RequestModel):
    domain: str = Field(min_length=1, max_length=254)
    tenant_id: Id | None = None

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return clean_domain(value)


class RegistrationAnswer(Model):
    tenant_id: str
    registration: RegistrationSettings
    domains: list[DomainPublic] = Field(default_factory=list)


class DomainAnswer(Model):
    tenant_id: str
    domain: DomainPublic
