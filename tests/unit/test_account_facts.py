"""What a user's standing is built from: verified facts, valid names, the profile's roles.

Issue 20, items 2, 11 and 14, at the unit level: the token's email counts only when verified;
a display name from the Auth account enters a profile as a valid ``Name`` or not at all; the
profile's email follows only a verified change and never revives a de-identified profile.
"""

from __future__ import annotations

import pytest

from shared.auth_context import AuthContext
from tests.support.fake_uow import FakeUnitOfWork
from user import profiles
from user import repositories as repos
from user.display_names import from_account
from user.models.profiles import UserProfile

TENANT = "t1"


def test_an_unverified_token_email_is_not_the_callers_email():
    unproven = AuthContext.from_claims("u1", {"email": "boss@victim.test", "email_verified": False})
    missing = AuthContext.from_claims("u1", {"email": "boss@victim.test"})
    proven = AuthContext.from_claims("u1", {"email": "me@mine.test", "email_verified": True})

    assert (unproven.email, missing.email, proven.email) == (None, None, "me@mine.test")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Eve\r\nBcc: all@victim.test", "Eve Bcc: all@victim.test"),
        ("  Mia \t Wong  ", "Mia Wong"),
        ("a\x00b\u2028c\x85d", "a b c d"),
        ("\r\n\t\x0b", ""),
        (None, ""),
        ("Zo\u00eb \U0001f600", "Zo\u00eb \U0001f600"),
    ],
)
def test_an_account_display_name_enters_as_a_valid_name_or_not_at_all(raw, expected):
    assert from_account(raw) == expected


def test_an_account_display_name_of_3000_characters_is_cut_to_a_names_length():
    assert from_account("x" * 3000) == "x" * 120


def follow(profile: UserProfile, email: str) -> tuple[bool, UserProfile]:
    uow = FakeUnitOfWork()
    uow.seed(repos.profiles(TENANT), profile)
    moved = uow.run(lambda u: profiles.follow_verified_email(u, TENANT, profile.id, email))
    return moved, uow.store[str(repos.profiles(TENANT).path)][profile.id]


def test_a_verified_email_change_moves_the_profile_email_and_its_search_copy():
    moved, after = follow(
        UserProfile(id="u1", tenant_id=TENANT, email="old@x.test", version=3), "New@Y.test"
    )

    assert moved
    assert (after.email, after.search_email, after.version) == ("new@y.test", "new@y.test", 4)


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "same@x.test"},
        {"email": None, "deidentified": True},
        {"email": "old@x.test", "disabled": True},
    ],
    ids=["unchanged", "deidentified", "disabled"],
)
def test_the_profile_email_stays_when_unchanged_deidentified_or_disabled(fields):
    before = UserProfile(id="u1", tenant_id=TENANT, version=1, **fields)

    moved, after = follow(before, "SAME@x.test" if fields["email"] else "back@x.test")

    assert not moved
    assert after == before
