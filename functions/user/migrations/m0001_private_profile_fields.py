"""Move the fields tenant admins may not read out of profile documents into each owner's
``users/{uid}/private/profile`` (``user.private_fields``), for profiles written before the
split.

Safe to re-run: each profile is moved in its own transaction, from what is stored then, and a
profile whose document holds no private field is skipped (so a second run changes nothing).
"""

from __future__ import annotations

from shared import paths
from shared.clients import firestore_client
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
    """Every tenant's profiles, a page at a time (a collection-group scan of ``users`` whose
    parent is a tenant, reading only the fields that decide)."""
    wanted = ["tenantId", "type", *private_fields.FIELDS]
    query = (
        firestore_client()
        .collection_group(repos.USERS)
        .select(wanted)
        .order_by("__name__")
        .limit(PAGE)
    )
    moved, last = 0, None
    while True:
        page = list((query.start_after(last) if last is not None else query).stream())
        for snapshot in page:
            parent = snapshot.reference.parent.parent
            if parent is None or parent.parent.id != paths.TENANTS:
                continue
            data = snapshot.to_dict() or {}
            if any(data.get(field) is not None for field in wanted[2:]):
                moved += move(parent.id, snapshot.id)
        if len(page) < PAGE:
            return moved
        last = page[-1]
