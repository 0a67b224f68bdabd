"""Joining a tenant needs proof of the email: an invitation's token (with the same email), or
an email the provider (or our verification link) proved, placed by one pending invitation.
Invitations are granted only within the inviter's own powers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from customer import repositories as repos
from customer.invitations import invitation_id
from tests.support.callables import CallableError, call
from tests.support.joining import joined, new_admin, new_customer, refusal
from tests.support.signup import (
    sign_in_with_google,
    signed_in_again,
    signed_up,
    verify_email,
)
from tests.support.users import SignedInUser, create_user, unique_id


@pytest.fixture
def platform_admin() -> SignedInUser:
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def profile_of(tenant_id: str, uid: str) -> dict | None:
    snapshot = repos.tenants().ref(tenant_id).collection("users").document(uid).get()
    return snapshot.to_dict()


# -- proof by token ----------------------------------------------------------------------------
def test_an_unverified_sign_up_with_an_invited_email_joins_no_tenant(platform_admin):
    tenant_id, admin_email, _ = new_customer(platform_admin)

    squatter = signed_up(admin_email)

    assert "tenantId" not in squatter.claims and squatter.claims["roles"] == []
    assert squatter.claims["email_verified"] is False
    invitation = repos.invitations(tenant_id).require(invitation_id(admin_email))
    assert (invitation.status.value, invitation.accepted_by) == ("pending", None)
    assert profile_of(tenant_id, squatter.uid) is None


def test_the_first_admin_joins_with_the_token_and_the_refreshed_token_carries_the_claims(
    platform_admin,
):
    tenant_id, admin_email, token = new_customer(platform_admin)
    admin = signed_up(admin_email)

    answer = call("customer_accept_invitation", {"token": token}, admin)
    admin = signed_in_again(admin)

    assert answer == {"tenantId": tenant_id, "roles": ["tenant-admin"]}
    assert admin.claims["tenantId"] == tenant_id
    assert admin.claims["roles"] == ["tenant-admin"]
    assert admin.claims["products"] == ["core"]
    assert admin.claims["appUserId"] == admin.uid
    invitation = repos.invitations(tenant_id).require(invitation_id(admin_email))
    assert (invitation.status.value, invitation.accepted_by) == ("accepted", admin.uid)
    profile = profile_of(tenant_id, admin.uid)
    assert profile is not None
    assert (profile["email"], profile["roles"]) == (admin_email, ["tenant-admin"])
    assert profile["jwtUpdatedAt"] is not None
    # The stored invitation keeps only a hash of the token.
    assert token not in str(repos.invitations(tenant_id).ref(invitation.id).get().to_dict())


def test_an_admin_invites_a_member_who_accepts_with_the_token_whatever_the_case(platform_admin):
    tenant_id, admin = new_admin(platform_admin)
    member_email = f"{unique_id('member')}@Elsewhere.test"

    answer = call("customer_invite_user", {"email": member_email, "roles": ["member"]}, admin)
    member = joined(signed_up(member_email.lower()), answer["invitationToken"])

    assert answer["invitationId"] == invitation_id(member_email)
    assert "tokenHash" not in answer["invitation"] and "tokenSalt" not in answer["invitation"]
    assert (member.claims["tenantId"], member.claims["roles"]) == (tenant_id, ["member"])
    assert call("example_list_projects", {}, member)["projects"] == []


def test_a_token_for_another_email_is_refused(platform_admin):
    tenant_id, admin_email, token = new_customer(platform_admin)
    thief = signed_up(f"{unique_id('thief')}@evil.test")

    refused = refusal("customer_accept_invitation", {"token": token}, thief)

    assert (refused.status, refused.details["type"]) == (
        "PERMISSION_DENIED",
        "invitation/email-mismatch",
    )
    assert repos.invitations(tenant_id).require(invitation_id(admin_email)).accepted_by is None
    assert profile_of(tenant_id, thief.uid) is None


def test_a_used_token_cannot_be_used_again_and_its_owner_may_repeat_the_call(platform_admin):
    from firebase_admin import auth

    from shared.clients import admin_app

    tenant_id, admin_email, token = new_customer(platform_admin)
    admin = signed_up(admin_email)
    first = call("customer_accept_invitation", {"token": token}, admin)
    again = call("customer_accept_invitation", {"token": token}, admin)
    auth.delete_user(admin.uid, app=admin_app())
    newcomer = signed_up(admin_email)  # the same address, another account

    refused = refusal("customer_accept_invitation", {"token": token}, newcomer)

    assert first == again == {"tenantId": tenant_id, "roles": ["tenant-admin"]}
    assert (refused.status, refused.details["type"]) == ("NOT_FOUND", "invitation/invalid")
    assert profile_of(tenant_id, newcomer.uid) is None


@pytest.mark.parametrize("spoil", ["garbage", "tampered", "expired", "revoked", "reissued"])
def test_a_wrong_expired_revoked_or_replaced_token_is_refused(platform_admin, spoil):
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('late')}@late.test"
    token = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)[
        "invitationToken"
    ]
    invitations = repos.invitations(tenant_id)
    if spoil == "garbage":
        token = "not-a-token"
    elif spoil == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif spoil == "expired":
        invitations.update(invitation_id(email), {"expires_at": datetime.now(UTC) - timedelta(1)})
    elif spoil == "revoked":
        call("customer_revoke_invitation", {"invitationId": invitation_id(email)}, admin)
    else:  # inviting again issues a new token: the old link stops working
        call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)
    user = signed_up(email)

    refused = refusal("customer_accept_invitation", {"token": token}, user)

    assert (refused.status, refused.details["type"]) == ("NOT_FOUND", "invitation/invalid")
    assert invitations.require(invitation_id(email)).accepted_by is None


def test_a_user_of_a_tenant_cannot_accept_another_tenants_invitation(platform_admin):
    _, admin_a = new_admin(platform_admin)
    tenant_b, admin_b = new_admin(platform_admin)
    email = f"{unique_id('both')}@both.test"
    token_a = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin_a)[
        "invitationToken"
    ]
    token_b = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin_b)[
        "invitationToken"
    ]
    user = joined(signed_up(email), token_a)

    refused = refusal("customer_accept_invitation", {"token": token_b}, user)

    assert (refused.status, refused.details["type"]) == (
        "FAILED_PRECONDITION",
        "invitation/has-tenant",
    )
    assert repos.invitations(tenant_b).require(invitation_id(email)).status.value == "pending"


def test_accepting_needs_a_signed_in_caller_and_a_token():
    assert refusal("customer_accept_invitation", {"token": "x"}, None).status == ("UNAUTHENTICATED")
    user = signed_up(f"{unique_id('empty')}@x.test")
    assert refusal("customer_accept_invitation", {}, user).fields == ["token"]


# -- proof by a verified email -----------------------------------------------------------------
def test_a_google_sign_in_with_one_pending_invitation_joins_in_the_first_token(platform_admin):
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('gina')}@gmail.com"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)

    user = sign_in_with_google(email)

    assert (user.claims["tenantId"], user.claims["roles"]) == (tenant_id, ["member"])
    assert repos.invitations(tenant_id).require(invitation_id(email)).accepted_by == user.uid


def test_two_tenants_invitations_place_nobody_automatically_and_the_user_picks_by_token(
    platform_admin,
):
    _, admin_a = new_admin(platform_admin)
    tenant_b, admin_b = new_admin(platform_admin)
    email = f"{unique_id('target')}@gmail.com"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin_b)
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin_a)
    token_b = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin_b)[
        "invitationToken"
    ]

    user = sign_in_with_google(email)
    assert "tenantId" not in user.claims
    call("customer_accept_invitation", {"token": token_b}, user)
    user = sign_in_with_google(email)

    assert user.claims["tenantId"] == tenant_b


def test_an_invited_user_is_placed_at_the_first_sign_in_after_verifying_the_email(
    platform_admin,
):
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('later')}@later.test"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)
    user = signed_up(email)
    assert "tenantId" not in signed_in_again(user).claims  # still unverified: nothing

    verify_email(user.uid)
    user = signed_in_again(user)

    assert (user.claims["tenantId"], user.claims["roles"]) == (tenant_id, ["member"])
    assert repos.invitations(tenant_id).require(invitation_id(email)).accepted_by == user.uid
    assert profile_of(tenant_id, user.uid) is not None
    assert signed_in_again(user).claims["tenantId"] == tenant_id  # and stays so


def test_following_the_verification_link_from_the_event_places_the_user_at_next_sign_in(
    platform_admin, tap_events
):
    import requests

    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('linked')}@linked.test"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)
    user = signed_up(email)
    tap = tap_events("auth-events")

    call("auth_send_email_verification", {"email": email}, headers={"X-Forwarded-For": user.uid})
    event = tap.wait_for(
        lambda e: e.type == "auth.email_verification_requested" and e.subject_id == user.uid
    )
    assert requests.get(event.data["link"], timeout=30).ok  # what the user's click does
    user = signed_in_again(user)

    assert (user.claims["tenantId"], user.claims["roles"]) == (tenant_id, ["member"])


def test_with_neither_an_invitation_nor_a_domain_the_user_has_no_tenant():
    for user in (
        signed_up(f"{unique_id('drifter')}@nowhere.test"),
        sign_in_with_google(f"{unique_id('drifter')}@nowhere.test"),
    ):
        assert "tenantId" not in user.claims
        assert user.claims["roles"] == []
        with pytest.raises(CallableError) as refused:
            call("example_list_projects", {}, user)
        assert refused.value.status == "PERMISSION_DENIED"


# -- invitations: who may invite whom ----------------------------------------------------------
def test_platform_admin_is_never_grantable(platform_admin):
    _, admin = new_admin(platform_admin)
    refused = refusal(
        "customer_invite_user", {"email": "x@y.test", "roles": ["platform-admin"]}, admin
    )
    assert (refused.status, refused.details["type"]) == ("PERMISSION_DENIED", "roles/non-grantable")


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


def test_nobody_invites_into_another_tenant_and_members_invite_nobody(platform_admin, tenant):
    other_id, _, _ = new_customer(platform_admin)
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


def test_an_admin_lists_the_tenants_invitations_newest_first_without_their_hashes(
    platform_admin,
):
    _, admin = new_admin(platform_admin)
    for name in ("a", "b"):
        call("customer_invite_user", {"email": f"{name}@list.test", "roles": ["member"]}, admin)

    page = call("customer_list_invitations", {"status": "pending"}, admin)

    assert [i["email"] for i in page["invitations"]] == ["b@list.test", "a@list.test"]
    assert not [i for i in page["invitations"] if "tokenHash" in i or "tokenSalt" in i]
