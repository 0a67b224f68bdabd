"""Self-registration domains: claimed by one tenant at a time, never a public mail provider,
usable only once verified (a DNS TXT record, or a platform admin's approval), and only for
verified emails."""

from __future__ import annotations

import pytest

from customer import repositories as repos
from tests.support.callables import call
from tests.support.joining import new_admin, refusal
from tests.support.signup import sign_in_with_google, signed_up
from tests.support.users import SignedInUser, create_user, unique_id


@pytest.fixture
def platform_admin() -> SignedInUser:
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def claim(admin: SignedInUser, *domains: str, roles: list[str] | None = None) -> dict:
    return call(
        "customer_update_registration",
        {"whitelistedDomains": list(domains), "defaultRoles": roles or ["member"]},
        admin,
    )


def new_domain() -> str:
    return f"{unique_id('corp')}.test"


@pytest.mark.parametrize("domain", ["gmail.com", "GMX.de", "mail.yahoo.com", "outlook.com.au"])
def test_a_public_mail_provider_domain_is_refused(platform_admin, domain):
    tenant_id, admin = new_admin(platform_admin)

    refused = refusal(
        "customer_update_registration",
        {"whitelistedDomains": [new_domain(), domain], "defaultRoles": ["member"]},
        admin,
    )

    assert (refused.status, refused.details["type"]) == (
        "INVALID_ARGUMENT",
        "domain/public-provider",
    )
    assert refused.fields == ["whitelistedDomains"]
    assert repos.tenants().require(tenant_id).registration.whitelisted_domains == []
    assert repos.registration_domains().get(domain.lower()) is None


def test_a_domain_already_claimed_by_another_tenant_is_refused(platform_admin):
    owner_id, owner = new_admin(platform_admin)
    other_id, other = new_admin(platform_admin)
    domain, spare = new_domain(), new_domain()
    claim(owner, domain)

    refused = refusal(
        "customer_update_registration",
        {"whitelistedDomains": [spare, domain.upper()], "defaultRoles": ["member"]},
        other,
    )

    assert (refused.status, refused.details["type"]) == ("ALREADY_EXISTS", "domain/claimed")
    assert repos.registration_domains().require(domain).tenant_id == owner_id
    assert repos.registration_domains().get(spare) is None  # nothing of the refused request
    assert repos.tenants().require(other_id).registration.whitelisted_domains == []


def test_an_unverified_domain_places_nobody(platform_admin):
    _, admin = new_admin(platform_admin)
    domain = new_domain()

    answer = claim(admin, f"@{domain.upper()}")
    user = sign_in_with_google(f"someone@{domain}")

    assert [(d["domain"], d["status"]) for d in answer["domains"]] == [(domain, "pending")]
    assert answer["domains"][0]["txtRecord"].startswith("foundation-verification=")
    assert "tenantId" not in user.claims


def test_a_domain_verified_by_its_txt_record_places_verified_emails_only(
    platform_admin,
    fake_dns,
):
    tenant_id, admin = new_admin(platform_admin)
    domain = new_domain()
    record = claim(admin, domain)["domains"][0]["txtRecord"]
    fake_dns.publish(domain, "v=spf1 -all")
    fake_dns.publish(domain, record)

    verified = call("customer_verify_domain", {"domain": domain}, admin)
    google_user = sign_in_with_google(f"newhire@{domain}")
    password_user = signed_up(f"stranger@{domain}")

    assert verified["domain"]["status"] == "verified"
    assert verified["domain"]["verifiedThrough"] == "dns"
    assert (google_user.claims["tenantId"], google_user.claims["roles"]) == (tenant_id, ["member"])
    assert "tenantId" not in password_user.claims  # an unproven email places nobody
    listed = call("customer_get_registration", {}, admin)
    assert [(d["domain"], d["status"]) for d in listed["domains"]] == [(domain, "verified")]


def test_verifying_without_the_txt_record_is_failed_precondition(platform_admin, fake_dns):
    _, admin = new_admin(platform_admin)
    domain = new_domain()
    claim(admin, domain)
    fake_dns.publish(domain, "foundation-verification=someone-elses-token")

    refused = refusal("customer_verify_domain", {"domain": domain}, admin)

    assert (refused.status, refused.details["type"]) == ("FAILED_PRECONDITION", "domain/unverified")
    assert refused.details["txtRecord"].startswith("foundation-verification=")
    assert repos.registration_domains().require(domain).status.value == "pending"


def test_only_a_platform_admin_approves_a_domain_and_it_then_places_verified_emails(
    platform_admin,
):
    tenant_id, admin = new_admin(platform_admin)
    domain = new_domain()
    claim(admin, domain)

    by_admin = refusal("customer_approve_domain", {"domain": domain}, admin)
    approved = call("customer_approve_domain", {"domain": domain}, platform_admin)
    user = sign_in_with_google(f"approved@{domain}")

    assert by_admin.status == "PERMISSION_DENIED"
    assert (approved["tenantId"], approved["domain"]["verifiedThrough"]) == (
        tenant_id,
        "platform-admin",
    )
    assert user.claims["tenantId"] == tenant_id


def test_another_tenant_cannot_verify_or_see_a_claim(platform_admin):
    _, owner = new_admin(platform_admin)
    _, other = new_admin(platform_admin)
    domain = new_domain()
    claim(owner, domain)

    refused = refusal("customer_verify_domain", {"domain": domain}, other)

    assert (refused.status, refused.details["type"]) == ("NOT_FOUND", "domain/not-claimed")


def test_releasing_a_domain_frees_it_for_another_tenant(platform_admin):
    _, owner = new_admin(platform_admin)
    other_id, other = new_admin(platform_admin)
    domain = new_domain()
    claim(owner, domain)
    call("customer_approve_domain", {"domain": domain}, platform_admin)

    claim(owner)  # an empty list releases every claim
    answer = claim(other, domain)

    assert answer["domains"][0]["status"] == "pending"  # the old approval went with the claim
    assert repos.registration_domains().require(domain).tenant_id == other_id


def test_bad_registration_settings_name_the_field(tenant):
    payloads: list[dict[str, list[str]]] = [
        {"whitelistedDomains": ["not a domain"], "defaultRoles": ["member"]},
        {"whitelistedDomains": [], "defaultRoles": []},
    ]
    for payload in payloads:
        refused = refusal("customer_update_registration", payload, tenant.admin)
        assert refused.status == "INVALID_ARGUMENT"
        assert set(refused.fields) & {"whitelistedDomains", "defaultRoles"}
    refused = refusal("customer_verify_domain", {"domain": "nope"}, tenant.admin)
    assert refused.fields == ["domain"]


def test_two_tenants_claiming_one_domain_at_once_leave_exactly_one_owner(platform_admin):
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.callables import CallableError

    admins = [new_admin(platform_admin) for _ in range(2)]
    domain = new_domain()

    def attempt(admin: SignedInUser) -> str:
        try:
            claim(admin, domain)
        except CallableError as error:
            return error.details.get("type", error.status)
        return "claimed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(attempt, [admin for _, admin in admins]))

    assert outcomes == ["claimed", "domain/claimed"]
    owner = repos.registration_domains().require(domain).tenant_id
    holders = [
        tenant_id
        for tenant_id, _ in admins
        if domain in repos.tenants().require(tenant_id).registration.whitelisted_domains
    ]
    assert holders == [owner]
