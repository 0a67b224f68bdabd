"""The pieces of the sign-up contract that need no I/O: invitation tokens (format, hash,
constant-time match), the public mail provider list, domain names, the caller address used by
throttles, and when a signing-in account needs placing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from auth.signup import needs_placement
from customer import invitation_tokens
from customer.invitations import invitation_id, new_invitation
from customer.models.domains import DomainRef, UpdateRegistration
from customer.public_providers import is_public_provider
from shared.callables import _address_of

TENANT = "tenant-abc123"


def test_an_invitation_token_names_its_invitation_and_only_its_hash_is_stored():
    invitation, token = new_invitation(TENANT, "Ann@X.test", ["member"], "admin")
    parsed = invitation_tokens.parse(token)

    assert parsed is not None
    assert (parsed.tenant_id, parsed.invitation_id) == (TENANT, invitation_id("ann@x.test"))
    assert len(parsed.secret) == 43
    assert token not in str(invitation.to_firestore())
    assert invitation_tokens.matches(parsed, invitation.token_salt, invitation.token_hash)
    assert "token" not in str(invitation.public().model_dump())


def test_a_token_does_not_match_another_invitation_or_a_changed_secret():
    first, token = new_invitation(TENANT, "ann@x.test", ["member"], "admin")
    second, _ = new_invitation(TENANT, "ann@x.test", ["member"], "admin")  # re-invited
    parsed = invitation_tokens.parse(token)
    assert parsed is not None
    changed = invitation_tokens.ParsedToken(parsed.tenant_id, parsed.invitation_id, "A" * 43)

    assert not invitation_tokens.matches(parsed, second.token_salt, second.token_hash)
    assert not invitation_tokens.matches(changed, first.token_salt, first.token_hash)
    assert not invitation_tokens.matches(parsed, None, None)


@pytest.mark.parametrize(
    "raw",
    ["", "x", "a.b.c", f"{TENANT}.inv-xyz.{'A' * 43}", f"{TENANT}.{'inv-' + '0' * 24}.short"],
)
def test_malformed_tokens_do_not_parse(raw):
    assert invitation_tokens.parse(raw) is None


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("gmail.com", True),
        ("gmx.de", True),
        ("gmx.co.uk", True),
        ("mail.yahoo.com", True),
        ("outlook.com.au", True),
        ("proton.me", True),
        ("icloud.com", True),
        ("acme.com", False),
        ("outlook.acme.com", False),
        ("gmail.com.acme.test", False),
    ],
)
def test_public_mail_providers_are_recognised_with_their_variants(domain, public):
    assert is_public_provider(domain) is public


def test_domains_are_cleaned_and_checked():
    request = UpdateRegistration.model_validate(
        {"whitelistedDomains": ["@Acme.COM ", "acme.com", "b.test"], "defaultRoles": ["member"]}
    )
    assert request.whitelisted_domains == ["acme.com", "b.test"]
    assert DomainRef.model_validate({"domain": "@X.Test"}).domain == "x.test"
    for bad in ("acme", "a b.com", "-x.com", "x" * 250 + ".com"):
        with pytest.raises(ValidationError):
            DomainRef.model_validate({"domain": bad})


def _request(headers: dict[str, str], remote: str | None = "10.0.0.1") -> SimpleNamespace:
    return SimpleNamespace(raw_request=SimpleNamespace(headers=headers, remote_addr=remote))


def test_the_caller_address_is_the_last_forwarded_hop_which_the_client_cannot_forge():
    forged = _request({"X-Forwarded-For": "1.1.1.1, 2.2.2.2, 203.0.113.9"})
    assert _address_of(forged) == "203.0.113.9"  # type: ignore[arg-type]
    assert _address_of(_request({})) == "10.0.0.1"  # type: ignore[arg-type]
    assert _address_of(_request({}, None)) == "unknown"  # type: ignore[arg-type]


def test_only_accounts_without_a_tenant_need_placing_at_sign_in():
    assert needs_placement(None) and needs_placement({"roles": []})
    assert not needs_placement({"tenantId": "t", "roles": ["member"]})
    assert not needs_placement({"platformAdmin": True})
