"""Self-registration domains: claim, verify (DNS TXT, or a platform admin's approval), release.

A tenant lists the domains whose verified users may join it by themselves. Listing a domain
claims it on ``registrationDomains/{domain}`` in the same transaction that updates the tenant,
so two tenants can never hold the same domain; a domain claimed by another tenant is refused
(``already-exists``, ``domain/claimed``), and so are public mail providers
(``invalid-argument``, ``domain/public-provider``). A claim places nobody until it is verified:
the tenant publishes ``foundation-verification=<token>`` as a TXT record on the domain and calls
``customer_verify_domain``; where DNS is out of reach, a platform admin approves it
(``customer_approve_domain``). Removing a domain from the list releases the claim.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from customer import dns_txt, public_providers
from customer import repositories as repos
from customer.models.domains import (
    DomainPublic,
    DomainStatus,
    RegistrationDomain,
    UpdateRegistration,
    VerifiedThrough,
)
from customer.models.tenants import RegistrationSettings, Tenant, TenantStatus
from shared.auth_context import AuthContext
from shared.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from shared.roles_grant import check_grant
from shared.unit_of_work import UnitOfWork, in_transaction

FIELD = "whitelistedDomains"


def _refuse_public_providers(domains: list[str]) -> None:
    public = [d for d in domains if public_providers.is_public_provider(d)]
    if public:
        raise InvalidArgument(
            f"Public mail providers cannot be registration domains: {', '.join(public)}",
            type="domain/public-provider",
            fields=[{"field": FIELD, "message": f"public mail provider: {', '.join(public)}"}],
        )


def update_registration(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, command: UpdateRegistration
) -> tuple[RegistrationSettings, list[DomainPublic]]:
    """Replace the tenant's domains and default roles: claim the new domains (pending until
    verified), release the dropped ones. Repeating the same request changes nothing."""
    roles = check_grant(ctx, command.default_roles, field="defaultRoles")
    _refuse_public_providers(command.whitelisted_domains)
    tenants, claims = uow.bind(repos.tenants()), uow.bind(repos.registration_domains())
    wanted = command.whitelisted_domains
    tenant = tenants.require(tenant_id)
    held = tenant.registration.whitelisted_domains
    current = claims.get_many([*wanted, *held])
    taken = [d for d in wanted if d in current and current[d].tenant_id != tenant_id]
    if taken:
        raise AlreadyExists(
            f"Claimed by another tenant: {', '.join(taken)}",
            type="domain/claimed",
            fields=[{"field": FIELD, "message": f"claimed elsewhere: {', '.join(taken)}"}],
        )
    now = datetime.now(UTC)
    result: list[DomainPublic] = []
    for domain in wanted:
        claim = current.get(domain)
        if claim is None:
            claim = RegistrationDomain(
                id=domain,
                domain=domain,
                tenant_id=tenant_id,
                verification_token=secrets.token_urlsafe(24),
                requested_by=ctx.uid,
                created_at=now,
            )
            claims.create(claim)
        result.append(claim.public())
    for domain in held:
        claim = current.get(domain)
        if domain not in wanted and claim is not None and claim.tenant_id == tenant_id:
            claims.delete(domain)
    settings = RegistrationSettings(whitelisted_domains=wanted, default_roles=roles)
    tenants.update(tenant_id, {"registration": settings})
    return settings, result


def list_domains(tenant_id: str) -> tuple[RegistrationSettings, list[DomainPublic]]:
    """The tenant's registration settings and the state of each of its domains."""
    tenant = repos.tenants().require(tenant_id)
    held = tenant.registration.whitelisted_domains
    found = repos.registration_domains().get_many(held)
    mine = [found[d].public() for d in held if d in found and found[d].tenant_id == tenant_id]
    return tenant.registration, mine


def _claim_of(
    tenant_id: str | None, domain: str, found: RegistrationDomain | None
) -> RegistrationDomain:
    """The claim on ``domain`` (``found``); ``not-found`` when there is none, or (with
    ``tenant_id``) when it is another tenant's: a tenant learns nothing about others' claims."""
    claim = found
    if claim is None or (tenant_id is not None and claim.tenant_id != tenant_id):
        raise NotFound(f"No claim on {domain}", type="domain/not-claimed", id=domain)
    return claim


def _mark_verified(
    tenant_id: str | None, domain: str, token: str | None, by: str, through: VerifiedThrough
) -> RegistrationDomain:
    """Set the claim verified in a unit; with ``token``, only if the claim still holds that
    token (it was not released and claimed again while DNS was asked)."""

    def work(uow: UnitOfWork) -> RegistrationDomain:
        claims = uow.bind(repos.registration_domains())
        claim = _claim_of(tenant_id, domain, claims.get(domain))
        if token is not None and claim.verification_token != token:
            raise FailedPrecondition("The claim changed; verify again", type="domain/changed")
        if claim.status is DomainStatus.VERIFIED:
            return claim
        changes = {
            "status": DomainStatus.VERIFIED,
            "verified_at": datetime.now(UTC),
            "verified_by": by,
            "verified_through": through,
        }
        claims.update(domain, changes)
        return claim.model_copy(update=changes)

    return in_transaction(work)


def verify_domain(ctx: AuthContext, tenant_id: str, domain: str) -> RegistrationDomain:
    """Verify the tenant's claim by its TXT record; ``failed-precondition``
    (``domain/unverified``, with the record expected) when the record is not there yet."""
    claim = _claim_of(tenant_id, domain, repos.registration_domains().get(domain))
    if claim.status is DomainStatus.VERIFIED:
        return claim
    if claim.txt_record not in dns_txt.txt_records(domain):
        raise FailedPrecondition(
            f"No TXT record {claim.txt_record} on {domain} yet",
            type="domain/unverified",
            txtRecord=claim.txt_record,
        )
    return _mark_verified(tenant_id, domain, claim.verification_token, ctx.uid, VerifiedThrough.DNS)


def approve_domain(ctx: AuthContext, domain: str) -> RegistrationDomain:
    """A platform admin vouches for a claim (whoever holds it): the fallback to DNS."""
    return _mark_verified(None, domain, None, ctx.uid, VerifiedThrough.PLATFORM_ADMIN)


def verified_tenant(uow: UnitOfWork, domain: str) -> Tenant | None:
    """The active tenant whose verified claim covers ``domain``, read in the unit."""
    claim = uow.bind(repos.registration_domains()).get(domain)
    if claim is None or claim.status is not DomainStatus.VERIFIED:
        return None
    tenant = uow.bind(repos.tenants()).get(claim.tenant_id)
    if tenant is None or tenant.status is not TenantStatus.ACTIVE:
        return None
    if domain not in tenant.registration.whitelisted_domains:
        return None
    return tenant
