"""Move the fields tenant admins may not read out of profile documents into each owner's
``users/{uid}/private/profile`` (``user.private_fields``), for profiles written before the
split.

Safe to re-run: each profile is moved in its own transaction, from what is stored then, and a
profile whose document holds no private field is skipped (so a second run changes nothing).
"""

from __future__ import annotations

from shared.unit_of_work import UnitOfWork, in_transaction
from user import private_fields
from user import repositories as repos

VERSION = "0001"
DESCRIPTION = "Move private profile fields (phone, address, about, pronouns) to private/profile"
PAGE = 300


def move(tenant_id: str, uid: str) -> bool:
    """Move one profile's private fields in a unit of work; True if anything moved."""

    def work(uow: UnitOfWork) -> bool:
        profiles = uow.bind(repos.profiles(tenant_id))
        stored = profiles.get(uid)
        if stored is None:
            return False
        if all(getattr(stored, n) is None for n in private_fields.private_names(stored.type)):
            return False
        private = private_fields.read(tenant_id, uid, uow)
        placed, document = private_fields.placement(
            stored, private, private_fields.merged(stored, private)
        )
        profiles.update(uid, placed)
        private_fields.stage(uow, tenant_id, uid, document)
        return True

    return in_transaction(work)


def apply() -> int:
    """Every tenant's profiles, a page at a time (``repositories.profiles_everywhere``, a
    collection-group scan of ``users`` reading only the fields that decide)."""
    profiles = repos.profiles_everywhere()
    wanted = ["tenant_id", "type", *private_fields.FIELDS]
    moved, cursor = 0, None
    while True:
        page = profiles.query(limit=PAGE, cursor=cursor, fields=wanted)
        for profile in page.items:
            if any(getattr(profile, field) is not None for field in private_fields.FIELDS):
                moved += move(profile.tenant_id, profile.id)
        if page.next_cursor is None:
            return moved
        cursor = page.next_cursor
