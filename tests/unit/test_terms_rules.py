"""Recording an acceptance of the terms (``user.terms.record_acceptance``) on the in-memory unit
of work: once per version, and ``user.first_terms_accepted`` emitted through the unit (published
after the commit) until the entry is marked announced."""

from __future__ import annotations

from tests.support.fake_uow import FakeUnitOfWork
from user import repositories as repos
from user import terms
from user.models.profiles import TermsAcceptance, UserProfile

TENANT = "t1"


def person() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.seed(repos.profiles(TENANT), UserProfile(id="u1", tenant_id=TENANT, roles=["member"]))
    return uow


def accept(uow: FakeUnitOfWork, version: str) -> TermsAcceptance:
    return uow.run(lambda u: terms.record_acceptance(u, TENANT, "u1", version))


def history(uow: FakeUnitOfWork) -> dict[str, TermsAcceptance]:
    return uow.store[str(repos.terms_acceptances(TENANT, "u1").path)]


def test_the_first_acceptance_ever_is_recorded_on_the_profile_and_emitted_through_the_unit():
    uow = person()

    acceptance = accept(uow, "2024-01")

    assert acceptance.first
    profile = uow.store[str(repos.profiles(TENANT).path)]["u1"]
    assert profile.terms_version == "2024-01"
    assert [(e.type, e.id) for e in uow.events] == [
        (terms.FIRST_TERMS_ACCEPTED, "user-first-terms-accepted-u1")
    ]


def test_an_unannounced_first_acceptance_is_emitted_again_with_the_same_id_and_not_recorded_twice():
    uow = person()
    first = accept(uow, "2024-01")
    recorded = history(uow)["2024-01"]

    again = accept(uow, "2024-01")

    assert again.accepted_at == first.accepted_at
    assert history(uow)["2024-01"] is recorded
    assert [e.id for e in uow.events] == ["user-first-terms-accepted-u1"]


def test_an_announced_acceptance_emits_nothing_and_a_later_version_is_not_the_first():
    uow = person()
    accept(uow, "2024-01")
    entries = history(uow)
    entries["2024-01"] = entries["2024-01"].model_copy(
        update={"announced_at": entries["2024-01"].accepted_at}
    )

    accept(uow, "2024-01")
    assert uow.events == []

    later = accept(uow, "2025-01")
    assert not later.first
    assert uow.events == []
