"""Sign-up through the Auth emulator: invitations, whitelisted domains, neither; the first ID
token carries the claims; invitations are granted only within the inviter's own powers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from customer import repositories as repos
from customer.invitations import invitation_id
from tests.support.callables import CallableError, call
from tests.support.signup import sign_up, token_claims
from tests.support.users import SignedInUser, create_user, unique_id

ADDRESS = {"line1": "1 Main St", "city": "Oslo", "postalCode": "0150", "country": "NO"}


@pytest.fixture
def platform_admin() -> SignedInUser:
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def new_customer(platform_admin: SignedInUser) -> tuple[str, str]:
    admin_email = f"{unique_id('boss')}@acme.test"
    answer = call(
        "customer_create",
        {"name": "Acme", "adminEmail": admin_email, "products": ["core"], "address": ADDRESS},
        platform_admin,
    )
    return answer["tenantId"], admin_email


def signed_up(email: str) -> SignedInUser:
    answer = sign_up(email)
    claims = token_claims(answer["idToken"])
    return SignedInUser(
        uid=answer["localId"], email=email, id_token=answer["idToken"], claims=claims
    )


def test_the_invited_first_admin_signs_up_into_the_tenant_with_claims_in_the_first_token(
    platform_admin,
):
    tenant_id, admin_email = new_customer(platform_admin)

    admin = signed_up(admin_email)

    assert admin.claims["tenantId"] == tenant_id
    assert admin.claims["roles"] == ["tenant-admin"]
    assert admin.claims["products"] == ["core"]
    assert admin.claims["appUserId"] == admin.uid
    invitation = repos.invitations(tenant_id).require(invitation_id(admin_email))
    assert (invitation.status.value, invitation.accepted_by) == ("accepted", admin.uid)
    profile = repos.tenants().ref(tenant_id).collection("users").document(admin.uid).get()
    assert profile.get("email") == admin_email and profile.get("roles") == ["tenant-admin"]


def test_an_admin_invites_a_member_who_signs_up_into_the_tenant(platform_admin):
    tenant_id, admin_email = new_customer(platform_admin)
    admin = signed_up(admin_email)
    member_email = f"{unique_id('member')}@Elsewhere.test"

    answer = call("customer_invite_user", {"email": member_email, "roles": ["member"]}, admin)
    member = signed_up(member_email.lower())

    assert answer["invitationId"] == invitation_id(member_email)
    assert (member.claims["tenantId"], member.claims["roles"]) == (tenant_id, ["member"])
    # The member's first token already works on the tenant's callables.
    assert call("example_list_projects", {}, member)["projects"] == []


def test_a_whitelisted_domain_joins_with_the_default_roles(platform_admin):
    tenant_id, admin_email = new_customer(platform_admin)
    admin = signed_up(admin_email)
    domain = f"{unique_id('corp')}.test"
    call(
        "customer_update_registration",
        {"whitelistedDomains": [f"@{domain.upper()}"], "defaultRoles": ["member"]},
        admin,
    )

    user = signed_up(f"someone@{domain}")

    assert (user.claims["tenantId"], user.claims["roles"]) == (tenant_id, ["member"])
    assert repos.tenants().require(tenant_id).registration.whitelisted_domains == [domain]


def test_with_neither_an_invitation_nor_a_domain_the_user_has_no_tenant():
    user = signed_up(f"{unique_id('drifter')}@nowhere.test")
    assert "tenantId" not in user.claims
    assert user.claims["roles"] == []
    with pytest.raises(CallableError) as refused:
        call("example_list_projects", {}, user)
    assert refused.value.status == "PERMISSION_DENIED"


@pytest.mark.parametrize("spoil", ["expired", "revoked"])
def test_an_expired_or_revoked_invitation_is_not_used(platform_admin, spoil):
    tenant_id, admin_email = new_customer(platform_admin)
    admin = signed_up(admin_email)
    email = f"{unique_id('late')}@late.test"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)
    invitations = repos.invitations(tenant_id)
    if spoil == "expired":
        invitations.update(invitation_id(email), {"expires_at": datetime.now(UTC) - timedelta(1)})
    else:
        call("customer_revoke_invitation", {"invitationId": invitation_id(email)}, admin)
        call("customer_revoke_invitation", {"invitationId": invitation_id(email)}, admin)

    user = signed_up(email)

    assert "tenantId" not in user.claims
    assert invitations.require(invitation_id(email)).accepted_by is None


def test_platform_admin_is_never_grantable(platform_admin):
    _, admin_email = new_customer(platform_admin)
    admin = signed_up(admin_email)
    with pytest.raises(CallableError) as refused:
        call("customer_invite_user", {"email": "x@y.test", "roles": ["platform-admin"]}, admin)
    assert (refused.value.status, refused.value.details["type"]) == (
        "PERMISSION_DENIED",
        "roles/non-grantable",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "nope", "roles": ["member"]}, "email"),
        ({"email": "a@b.test", "roles": []}, "roles"),
        ({"email": "a@b.test", "roles": ["wizard"]}, "roles"),
        ({"roles": ["member"]}, "email"),
    ],
)
def test_bad_invitations_are_invalid_argument_naming_the_field(tenant, payload, field):
    with pytest.raises(CallableError) as refused:
        call("customer_invite_user", payload, tenant.admin)
    assert refused.value.status == "INVALID_ARGUMENT"
    assert field in refused.value.fields


def test_bad_registration_settings_name_the_field(tenant):
    with pytest.raises(CallableError) as refused:
        call(
            "customer_update_registration",
            {"whitelistedDomains": ["not a domain"], "defaultRoles": ["member"]},
            tenant.admin,
        )
    assert "whitelistedDomains" in refused.value.fields


def test_nobody_invites_into_another_tenant_and_members_invite_nobody(platform_admin, tenant):
    other_id, _ = new_customer(platform_admin)
    with pytest.raises(CallableError) as cross:
        call(
            "customer_invite_user",
            {"email": "x@y.test", "roles": ["member"], "tenantId": other_id},
            tenant.admin,
        )
    with pytest.raises(CallableError) as member:
        call("customer_invite_user", {"email": "x@y.test", "roles": ["member"]}, tenant.member)
    assert cross.value.status == member.value.status == "PERMISSION_DENIED"
    assert repos.invitations(other_id).get(invitation_id("x@y.test")) is None


def test_an_admin_lists_the_tenants_invitations_newest_first(platform_admin):
    _, admin_email = new_customer(platform_admin)
    admin = signed_up(admin_email)
    for name in ("a", "b"):
        call("customer_invite_user", {"email": f"{name}@list.test", "roles": ["member"]}, admin)

    page = call("customer_list_invitations", {"status": "pending"}, admin)

    assert [i["email"] for i in page["invitations"]] == ["b@list.test", "a@list.test"]
