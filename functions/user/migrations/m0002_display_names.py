"""Normalise display names that reached profiles unvalidated from Auth accounts.

Before issue 20 (item 11), the display name of the Auth account entered the first profile as it
came (CR/LF, control characters, 3,000 characters), and every email that named the user then
failed on its header. New profiles get a valid ``Name`` (``user.display_names``); this gives the
stored ones the same treatment. Request fields were validated all along, so only
``displayName`` needs it.

Safe to re-run: each profile is fixed in its own transaction from what is stored then, and a
profile whose name is already valid is skipped (so a second run changes nothing).
"""

from __future__ import annotations

from shared.unit_of_work import UnitOfWork, in_transaction
from user import display_names
from user import repositories as repos
from user.models.profiles import search_fields

VERSION = "0002"
DESCRIPTION = "Normalise display names that came unvalidated from Auth accounts"
PAGE = 300


def fix(tenant_id: str, uid: str) -> bool:
    """Normalise one profile's display name in a unit of work; True if it changed."""

    def work(uow: UnitOfWork) -> bool:
        profiles = uow.bind(repos.profiles(tenant_id))
        stored = profiles.get(uid)
        if stored is None or display_names.from_account(stored.display_name) == stored.display_name:
            return False
        fixed = stored.model_copy(
            update={"display_name": display_names.from_account(stored.display_name)}
        )
        search = {k: v for k, v in search_fields(fixed).items() if getattr(stored, k) != v}
        profiles.update(
            uid,
            {
                "display_name": fixed.display_name,
                **search,
                "version": (stored.version or 0) + 1,
            },
        )
        return True

    return in_transaction(work)


def apply() -> int:
    """Every tenant's profiles, a page at a time (``repositories.profiles_everywhere``, reading
    only the fields that decide)."""
    profiles = repos.profiles_everywhere()
    fixed, cursor = 0, None
    while True:
        page = profiles.query(limit=PAGE, cursor=cursor, fields=["tenant_id", "display_name"])
        for profile in page.items:
            if display_names.from_account(profile.display_name) != profile.display_name:
                fixed += fix(profile.tenant_id, profile.id)
        if page.next_cursor is None:
            return fixed
        cursor = page.next_cursor
