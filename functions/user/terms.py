"""Terms of service: the current version (``static/terms.yaml``), acceptances, who is behind.

Every acceptance is kept in ``tenants/{t}/users/{uid}/termsAcceptances/{version}``; the id is the
version, so accepting it again records nothing new. The history entry and the profile's
``termsVersion`` / ``termsAcceptedAt`` are written in one unit of work. The first acceptance
ever emits ``user.first_terms_accepted`` through the unit (published after the commit), with an
event id derived from the uid; the entry remembers when it was announced, so a retry after a
failed publish announces it again (with the same id) and a retry after a successful one does not.
"""

from datetime import UTC, datetime
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared import cursors, events
from shared.errors import InvalidArgument
from shared.static_config import load_static
from shared.unit_of_work import UnitOfWork, in_transaction
from user import repositories as repos
from user.models.profiles import TermsAcceptance, UserProfile, UserType
from user.models.requests import TERMS_VERSION

FIRST_TERMS_ACCEPTED = "user.first_terms_accepted"
SCAN_BUDGET = 1000
"""Profiles read at most per page of :func:`list_pending` (a short page still has a cursor)."""


class TermsVersion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=None, defer_build=True)

    version: str = Field(pattern=TERMS_VERSION)
    published_at: AwareDatetime = Field(alias="publishedAt")
    url: str | None = None


class TermsConfig(BaseModel):
    """``static/terms.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    current: str
    versions: list[TermsVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _current_is_published(self) -> Self:
        if self.current not in {v.version for v in self.versions}:
            raise ValueError(f"current terms version {self.current} is not among the versions")
        return self


def terms_config() -> TermsConfig:
    """The terms config, read and validated once per process."""
    return load_static("terms.yaml", TermsConfig)


def first_accepted_event(acceptance: TermsAcceptance) -> events.DomainEvent:
    return events.new_event(
        FIRST_TERMS_ACCEPTED,
        tenant_id=acceptance.tenant_id,
        subject_id=acceptance.user_id,
        event_id=f"user-first-terms-accepted-{acceptance.user_id}",
        data={
            "version": acceptance.terms_version,
            "acceptedAt": acceptance.accepted_at.isoformat(),
        },
    )


def accept_terms(tenant_id: str, uid: str, version: str) -> TermsAcceptance:
    """Record the user's acceptance of the current terms (once per version); answers it.

    The acceptance is recorded in a unit (:func:`record_acceptance`), whose event is published
    after the commit; only then is the entry marked announced (outside the unit: a publish
    that fails leaves it unmarked, so the next call announces it again)."""
    current = terms_config().current
    if version != current:
        raise InvalidArgument(
            f"Not the current terms version ({current})",
            type="terms/not-current",
            fields=[{"field": "version", "message": f"the current version is {current}"}],
            currentVersion=current,
        )
    acceptance = in_transaction(lambda uow: record_acceptance(uow, tenant_id, uid, version))
    if announces(acceptance):
        repos.terms_acceptances(tenant_id, uid).update(
            acceptance.id, {"announced_at": datetime.now(UTC)}
        )
    return acceptance


def announces(acceptance: TermsAcceptance) -> bool:
    """Whether recording ``acceptance`` emits ``user.first_terms_accepted``: the first ever,
    not announced yet."""
    return acceptance.first and acceptance.announced_at is None


def record_acceptance(uow: UnitOfWork, tenant_id: str, uid: str, version: str) -> TermsAcceptance:
    """Record ``version`` once in the history and on the profile; emit the first acceptance
    (again, with the same event id, while it is not marked announced)."""
    profiles = uow.bind(repos.profiles(tenant_id))
    history = uow.bind(repos.terms_acceptances(tenant_id, uid))
    profile = profiles.require(uid)
    acceptance = history.get(version)
    if acceptance is None:
        now = datetime.now(UTC)
        acceptance = TermsAcceptance(
            id=version,
            tenant_id=tenant_id,
            user_id=uid,
            terms_version=version,
            accepted_at=now,
            first=profile.terms_version is None and profile.terms_accepted_at is None,
        )
        history.create(acceptance)
        profiles.update(
            uid,
            {
                "terms_version": version,
                "terms_accepted_at": now,
                "version": (profile.version or 0) + 1,
            },
        )
    if announces(acceptance):
        uow.emit(first_accepted_event(acceptance))
    return acceptance


def is_pending(profile: UserProfile, current: str) -> bool:
    """An enabled tenant user who has not accepted ``current``."""
    return (
        profile.type is not UserType.PLATFORM_ADMIN
        and not profile.disabled
        and profile.terms_version != current
    )


def list_pending(
    tenant_id: str, limit: int, cursor: str | None
) -> tuple[list[UserProfile], str | None]:
    """A page of enabled users behind on the terms, by uid, with the cursor of the next page.

    Never-accepted profiles carry no ``termsVersion``, and Firestore cannot query for a missing
    field, so this scans profiles by uid and keeps the pending ones: at most
    :data:`SCAN_BUDGET` profiles a call; a page may then be short but still has a cursor.
    """
    current = terms_config().current
    repo = repos.profiles(tenant_id)
    batch = max(2 * limit, 50)
    found: list[UserProfile] = []
    scanned = 0
    while True:
        page = repo.query(limit=batch, cursor=cursor)
        for profile in page.items:
            scanned += 1
            if is_pending(profile, current):
                found.append(profile)
                if len(found) == limit:
                    return found, cursors.encode([profile.id], repo.cursor_scope())
        if page.next_cursor is None:
            return found, None
        cursor = page.next_cursor
        if scanned >= SCAN_BUDGET:
            return found, cursor
