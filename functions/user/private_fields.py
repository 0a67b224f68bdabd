"""Personal fields tenant admins may not read live in a document only the owner reads.

Firestore rules grant or refuse whole documents, never fields, and tenant admins read the
tenant's profiles directly. So a field that ``static/user_attributes.yaml`` hides from admins
(``private``, per user type: a consumer's phone, address, about and pronouns; a business
user's address and about) is stored in ``tenants/{t}/users/{uid}/private/profile``, readable by
its owner alone, and is null in the profile document. The user service merges it back for the
owner's own view; admins' views never show it, so they never need it.

Every write goes through :func:`placement`, which also moves fields between the two documents
when an admin changes the user's type, and cleans a profile document that still holds a
private field (data from before the split; migration ``user.migrations.m0001`` moves it all).
"""

from __future__ import annotations

from typing import Any

from shared.unit_of_work import UnitOfWork
from user import repositories as repos
from user.attributes import attribute_config
from user.models.profiles import PrivateProfile, UserProfile, UserType

FIELDS = ("phone", "address", "about", "pronouns")
"""The fields a private document can hold (``PrivateProfile``): one word each, so the model
names are also the camelCase names of the wire and of Firestore."""


def private_names(profile_type: UserType) -> frozenset[str]:
    """The model names of the fields a profile of this type keeps in its private document."""
    camel = attribute_config().private_fields(profile_type)
    return frozenset(name for name in FIELDS if name in camel)


def read(tenant_id: str, uid: str, uow: UnitOfWork | None = None) -> PrivateProfile | None:
    """The user's private document, if any (read in ``uow`` when given)."""
    repo = repos.private_profiles(tenant_id, uid)
    return (uow.bind(repo) if uow is not None else repo).get(repos.PRIVATE_PROFILE)


def merged(stored: UserProfile, private: PrivateProfile | None) -> UserProfile:
    """The owner's whole profile: the private fields of their type from the private document
    (a value still in the profile document, from before the split, counts when it has none)."""
    update = {}
    for name in private_names(stored.type):
        value = getattr(private, name) if private is not None else None
        update[name] = value if value is not None else getattr(stored, name)
    return stored.model_copy(update=update)


def placement(
    stored: UserProfile, private: PrivateProfile | None, after: UserProfile
) -> tuple[dict[str, Any], PrivateProfile | bool | None]:
    """Where ``after``'s private-capable fields go, given what is stored.

    Answers the changes for the profile document (a private field of ``after``'s type becomes
    null there; any other one takes its value) and the private document to write: a
    ``PrivateProfile`` to set, ``False`` to delete it, ``None`` when it is right already.
    """
    names = private_names(after.type)
    profile_changes: dict[str, Any] = {}
    for name in FIELDS:
        wanted = None if name in names else getattr(after, name)
        if getattr(stored, name) != wanted:
            profile_changes[name] = wanted
    desired = {name: getattr(after, name) if name in names else None for name in FIELDS}
    current = {name: getattr(private, name) if private is not None else None for name in FIELDS}
    if desired == current:
        return profile_changes, None
    if all(value is None for value in desired.values()):
        return profile_changes, False
    document = PrivateProfile(
        id=repos.PRIVATE_PROFILE, tenant_id=after.tenant_id, user_id=after.id, **desired
    )
    return profile_changes, document


def stage(
    uow: UnitOfWork, tenant_id: str, uid: str, document: PrivateProfile | bool | None
) -> None:
    """Stage :func:`placement`'s private-document write in the unit."""
    repo = uow.bind(repos.private_profiles(tenant_id, uid))
    if document is False:
        repo.delete(repos.PRIVATE_PROFILE)
    elif isinstance(document, PrivateProfile):
        repo.set(document)
