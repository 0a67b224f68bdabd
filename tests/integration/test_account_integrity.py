"""A user's standing comes from facts, never from a replayed link or an unproven claim.

- Claims always come from the profile: repeating an accepted invitation answers the user's
  current place and grants nothing (issue 20, item 2).
- A display name from the Auth account (set by the user through the client SDK, or by a
  provider) enters a profile only as a valid ``Name`` (item 11).
- An email changed without verification moves nothing; a verified change moves the profile's
  email at the next sign-in (item 14).
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from customer import repositories as repos
from customer.invitations import invitation_id
from tests.support.callables import call
from tests.support.emulators import PROJECT, eventually, host
from tests.support.joining import joined, new_admin, new_customer, refusal
from tests.support.signup import signed_in_again, signed_up, token_claims
from tests.support.user_profiles import seed_user_profile, stored
from tests.support.users import PASSWORD, SignedInUser, auth_account, create_user, unique_id
from user import repositories as user_repos


@pytest.fixture
def platform_admin() -> SignedInUser:
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


def identity_toolkit(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """One Auth REST call, as the Firebase JS SDK makes it."""
    url = (
        f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/identitytoolkit.googleapis.com/v1/"
        f"accounts:{method}?key=demo-api-key"
    )
    answer = requests.post(url, json=body, timeout=60)
    assert answer.ok, answer.text
    return answer.json()


def claims_now(uid: str) -> dict[str, Any]:
    return dict(auth_account(uid).custom_claims or {})


# -- item 2: an accepted invitation replayed ------------------------------------------------------
def invitation(inviter: SignedInUser, who: str, roles: list[str], *, domain: str = "acme.test"):
    """A new address invited by ``inviter`` with ``roles``: the address and its token."""
    email = f"{unique_id(who)}@{domain}"
    answer = call("customer_invite_user", {"email": email, "roles": roles}, inviter)
    return email, answer["invitationToken"]


def demoted_first_admin(platform_admin: SignedInUser, roles: list[str]):
    """A customer whose first admin was demoted to ``roles`` by a second admin; the first
    admin's original token, the first admin and the tenant id."""
    tenant_id, admin_email, token = new_customer(platform_admin)
    first = joined(signed_up(admin_email), token)
    second_email, second_token = invitation(first, "second", ["tenant-admin"])
    second = joined(signed_up(second_email), second_token)
    call("user_grant_roles", {"userId": first.uid, "roles": roles}, second)
    # the claims follow the profile through user.updated: wait for them before replaying
    eventually(lambda: claims_now(first.uid).get("roles") == sorted(roles))
    return tenant_id, token, signed_in_again(first)


@pytest.mark.parametrize("roles", [["member"], []])
def test_a_demoted_admin_who_replays_their_invitation_keeps_the_roles_of_their_profile(
    platform_admin, roles
):
    tenant_id, token, first = demoted_first_admin(platform_admin, roles)

    again = call("customer_accept_invitation", {"token": token}, first)

    assert again == {"tenantId": tenant_id, "roles": roles}
    assert claims_now(first.uid)["roles"] == roles
    assert signed_in_again(first).claims["roles"] == roles
    assert stored(tenant_id, first.uid).roles == roles


def test_an_expired_accepted_invitation_replayed_by_its_owner_is_refused_and_grants_nothing(
    platform_admin,
):
    tenant_id, token, first = demoted_first_admin(platform_admin, ["member"])
    admin_email = stored(tenant_id, first.uid).email or ""
    repos.invitations(tenant_id).update(
        invitation_id(admin_email), {"expires_at": datetime.now(UTC) - timedelta(days=400)}
    )

    refused = refusal("customer_accept_invitation", {"token": token}, first)

    assert (refused.status, refused.details["type"]) == ("NOT_FOUND", "invitation/invalid")
    assert claims_now(first.uid)["roles"] == ["member"]
    assert stored(tenant_id, first.uid).roles == ["member"]


@pytest.mark.parametrize("removal", ["demoted", "deactivated"])
def test_an_invitation_dies_with_its_inviters_authority(platform_admin, removal):
    """A tenant admin plants an admin invitation for a second account of theirs, then loses
    their authority: the planted account must not come back as an admin (found by a hostile
    probe of item 2's fix)."""
    tenant_id, admin_email, token = new_customer(platform_admin)
    first = joined(signed_up(admin_email), token)
    sock_email, sock_token = invitation(first, "sock", ["tenant-admin"], domain="evil.test")
    second_email, second_token = invitation(first, "second", ["tenant-admin"])
    second = joined(signed_up(second_email), second_token)
    if removal == "demoted":
        call("user_grant_roles", {"userId": first.uid, "roles": ["member"]}, second)
    else:
        call("user_deactivate", {"userId": first.uid}, second)
    sock = signed_up(sock_email)

    refused = refusal("customer_accept_invitation", {"token": sock_token}, sock)

    assert (refused.status, refused.details["type"]) == ("NOT_FOUND", "invitation/invalid")
    assert user_repos.profiles(tenant_id).get(sock.uid) is None
    assert not claims_now(sock.uid).get("roles")


def test_an_invitation_from_an_admin_still_in_office_places_its_invitee(platform_admin):
    """The other side of the rule above: nothing changed for an inviter who kept their roles."""
    tenant_id, admin = new_admin(platform_admin)
    email, token = invitation(admin, "kept", ["member"])

    answer = call("customer_accept_invitation", {"token": token}, signed_up(email))

    assert answer == {"tenantId": tenant_id, "roles": ["member"]}


def test_a_platform_admin_never_joins_a_tenant_by_invitation(platform_admin):
    tenant_id, admin = new_admin(platform_admin)
    token = call(
        "customer_invite_user", {"email": platform_admin.email, "roles": ["member"]}, admin
    )["invitationToken"]

    refused = refusal("customer_accept_invitation", {"token": token}, platform_admin)

    assert (refused.status, refused.details["type"]) == (
        "FAILED_PRECONDITION",
        "invitation/platform-admin",
    )
    assert claims_now(platform_admin.uid).get("platformAdmin") is True
    assert "tenantId" not in claims_now(platform_admin.uid)
    invitation = repos.invitations(tenant_id).require(invitation_id(platform_admin.email))
    assert invitation.status.value == "pending"


def test_another_tenants_invitation_does_not_carry_off_a_verified_domains_people(platform_admin):
    _, owner = new_admin(platform_admin)
    poacher_id, poacher = new_admin(platform_admin)
    domain = f"{unique_id('corp')}.test"
    registration = {"whitelistedDomains": [domain], "defaultRoles": ["member"]}
    call("customer_update_registration", registration, owner)
    call("customer_approve_domain", {"domain": domain}, platform_admin)
    email = f"{unique_id('bob')}@{domain}"
    token = call("customer_invite_user", {"email": email, "roles": ["member"]}, poacher)[
        "invitationToken"
    ]

    bob = sign_in_with_google(email, name="Bob")

    assert "tenantId" not in bob.claims  # two tenants want Bob: he picks by token
    call("customer_accept_invitation", {"token": token}, bob)  # and may pick the invitation
    assert signed_in_with_google(email)["tenantId"] == poacher_id


# -- item 11: names from the Auth account ---------------------------------------------------------
HOSTILE_NAME = "Eve\r\nBcc: everyone@victim.test\t\u2028" + "x" * 3000


def assert_a_valid_name(value: str) -> None:
    assert 1 <= len(value) <= 120
    assert value == value.strip()
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in value)


def test_a_display_name_with_line_breaks_and_3000_characters_joins_as_a_valid_name(
    platform_admin,
):
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('eve')}@eve.test"
    token = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)[
        "invitationToken"
    ]
    user = signed_up(email)
    identity_toolkit("update", {"idToken": user.id_token, "displayName": HOSTILE_NAME})

    call("customer_accept_invitation", {"token": token}, user)

    name = stored(tenant_id, user.uid).display_name
    assert_a_valid_name(name)
    assert name.startswith("Eve Bcc: everyone@victim.test xxx")


def test_a_provider_name_of_control_characters_only_is_dropped_at_sign_up(platform_admin):
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('blank')}@gmail.com"
    call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)
    hostile = sign_in_with_google(email, name=HOSTILE_NAME)
    blank_email = f"{unique_id('blank')}@gmail.com"
    call("customer_invite_user", {"email": blank_email, "roles": ["member"]}, admin)
    blank = sign_in_with_google(blank_email, name="\r\n\t\x0b")

    assert_a_valid_name(stored(tenant_id, hostile.uid).display_name)
    assert stored(tenant_id, blank.uid).display_name == ""


def test_the_migration_normalises_display_names_stored_before_the_fix_once(platform_admin):
    from user.migrations import m0002_display_names as migration

    tenant_id, admin = new_admin(platform_admin)
    legacy = create_user(tenant_id=tenant_id, roles=["member"])
    seed_user_profile(tenant_id, legacy, display_name=HOSTILE_NAME)

    assert migration.apply() >= 1

    profile = stored(tenant_id, legacy.uid)
    assert_a_valid_name(profile.display_name)
    assert profile.search_name == profile.display_name.lower()
    assert not migration.fix(tenant_id, legacy.uid)
    assert stored(tenant_id, admin.uid).display_name == ""  # already valid: untouched


@pytest.mark.parametrize(
    "name", ["", "   ", "a\r\nb", "x" * 121], ids=["empty", "blank", "crlf", "long"]
)
def test_a_profile_write_refuses_a_display_name_that_is_no_name(platform_admin, name):
    tenant_id, admin = new_admin(platform_admin)
    before = stored(tenant_id, admin.uid).display_name

    refused = refusal("user_update_profile", {"displayName": name}, admin)

    assert (refused.status, refused.fields) == ("INVALID_ARGUMENT", ["displayName"])
    assert stored(tenant_id, admin.uid).display_name == before


def test_a_tenants_branding_name_is_a_name(platform_admin):
    tenant_id, admin = new_admin(platform_admin)

    refused = refusal(
        "customer_update", {"settings": {"branding": {"displayName": "Acme\r\nBcc: x"}}}, admin
    )

    assert (refused.status, refused.fields) == (
        "INVALID_ARGUMENT",
        ["settings.branding.displayName"],
    )
    assert repos.tenants().require(tenant_id).settings.branding.display_name is None


def sign_in_with_google(email: str, *, name: str) -> SignedInUser:
    """A Google sign-in whose provider asserts ``email`` (verified) and the display ``name``."""
    claims = {
        "sub": f"g-{uuid.uuid5(uuid.NAMESPACE_URL, email).hex}",
        "email": email,
        "email_verified": True,
        "name": name,
    }
    body = urllib.parse.urlencode({"id_token": json.dumps(claims), "providerId": "google.com"})
    answer = identity_toolkit(
        "signInWithIdp",
        {"requestUri": "http://localhost", "postBody": body, "returnSecureToken": True},
    )
    return SignedInUser(
        answer["localId"], email, answer["idToken"], token_claims(answer["idToken"])
    )


def signed_in_with_google(email: str) -> dict[str, Any]:
    """The claims of a fresh Google sign-in of ``email``."""
    return sign_in_with_google(email, name="Bob").claims


# -- item 14: email changes ---------------------------------------------------------------------
def joined_member(platform_admin: SignedInUser) -> tuple[str, SignedInUser]:
    tenant_id, admin = new_admin(platform_admin)
    email = f"{unique_id('mover')}@old.test"
    token = call("customer_invite_user", {"email": email, "roles": ["member"]}, admin)[
        "invitationToken"
    ]
    return tenant_id, joined(signed_up(email), token)


def signed_in_as(user: SignedInUser, email: str) -> SignedInUser:
    """A password sign-in of ``user`` under ``email`` (``before_user_signed_in`` runs)."""
    answer = identity_toolkit(
        "signInWithPassword", {"email": email, "password": PASSWORD, "returnSecureToken": True}
    )
    return SignedInUser(user.uid, email, answer["idToken"], token_claims(answer["idToken"]))


def test_an_email_changed_without_verification_moves_nothing_the_tenant_relies_on(
    platform_admin,
):
    tenant_id, member = joined_member(platform_admin)
    old_email = member.email
    new_email = f"{unique_id('unproven')}@new.test"

    # the client SDK's updateEmail: the Auth emulator allows it without verification
    identity_toolkit("update", {"idToken": member.id_token, "email": new_email})
    moved = signed_in_as(member, new_email)

    assert (moved.claims["email"], moved.claims["email_verified"]) == (new_email, False)
    assert moved.claims["tenantId"] == tenant_id
    profile = stored(tenant_id, member.uid)
    assert (profile.email, profile.search_email) == (old_email, old_email)
    assert call("user_get_profile", {}, moved)["profile"]["email"] == old_email


def test_a_verified_email_change_moves_the_profile_email_at_the_next_sign_in(platform_admin):
    tenant_id, member = joined_member(platform_admin)
    new_email = f"{unique_id('proven')}@New.test"

    # the client SDK's verifyBeforeUpdateEmail, and the click on the link it mails
    request = {"requestType": "VERIFY_AND_CHANGE_EMAIL", "idToken": member.id_token}
    identity_toolkit("sendOobCode", {**request, "newEmail": new_email})
    identity_toolkit("update", {"oobCode": oob_code(member.email, "VERIFY_AND_CHANGE_EMAIL")})
    moved = signed_in_as(member, new_email)

    assert moved.claims["email_verified"] is True
    profile = stored(tenant_id, member.uid)
    assert (profile.email, profile.search_email) == (new_email.lower(), new_email.lower())
    assert moved.claims["tenantId"] == tenant_id


def oob_code(email: str, request_type: str) -> str:
    """The newest out-of-band code of ``request_type`` the Auth emulator issued for the account
    of ``email`` (for an email change: the current address, which the code is filed under)."""
    url = f"http://{host('FIREBASE_AUTH_EMULATOR_HOST')}/emulator/v1/projects/{PROJECT}/oobCodes"
    codes = requests.get(url, timeout=30).json()["oobCodes"]
    found = [
        c for c in codes if c["email"].lower() == email.lower() and c["requestType"] == request_type
    ]
    assert found, codes[-3:]
    return str(found[-1]["oobCode"])
