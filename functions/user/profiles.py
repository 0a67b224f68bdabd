"""Reading and changing profiles within the attribute permissions (``user.attributes``).

A caller reads and writes their own profile by the ``self`` lists of their type; tenant admins
read and write other users' profiles of their tenant by the ``others`` lists of that user's
type. A platform-admin profile is not found by anyone but its owner and platform admins, and
nobody edits a user who holds a role they could not grant (``roles/unencompassed``).
A write is checked field by field before anything is written: one field outside the caller's
list refuses the whole write.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from shared.auth_context import AuthContext
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, field_name
from shared.roles_grant import check_may_act_on
from shared.unit_of_work import UnitOfWork
from user import private_fields
from user import repositories as repos
from user.attributes import FieldAccess, attribute_config, check_writable, visible
from user.models.profiles import UserProfile, UserType, search_fields

READ_OTHERS = "users.read"
NOT_NULL = ("display_name", "type")
"""Fields a profile always has: a write may change them but not clear them."""


def access_for(ctx: AuthContext, profile: UserProfile) -> FieldAccess:
    """The caller's lists for this profile: ``self`` for their own, else ``others``."""
    return attribute_config().access(own=profile.id == ctx.uid, profile_type=profile.type)


def require_reachable(
    ctx: AuthContext, tenant_id: str, user_id: str, uow: UnitOfWork | None = None
) -> UserProfile:
    """The profile (read in ``uow`` when given), or ``not-found``, also for a platform-admin
    profile the caller may not see (tenants never learn that one exists)."""
    repo = repos.profiles(tenant_id)
    profile = (uow.bind(repo) if uow is not None else repo).get(user_id)
    if profile is None or (
        profile.type is UserType.PLATFORM_ADMIN and profile.id != ctx.uid and not ctx.platform_admin
    ):
        raise NotFound(f"User {user_id} not found", type="user/not-found", id=user_id)
    return profile


def get_profile(ctx: AuthContext, tenant_id: str, user_id: str | None) -> dict[str, Any]:
    """The caller's profile, or (with ``users.read``) another user's: readable fields only."""
    target = user_id or ctx.uid
    if target != ctx.uid:
        ctx.require(READ_OTHERS)
    profile = require_reachable(ctx, tenant_id, target)
    if profile.id == ctx.uid:  # only the owner's view shows the private fields
        profile = private_fields.merged(profile, private_fields.read(tenant_id, profile.id))
    return visible(profile, access_for(ctx, profile))


def update_profile(
    uow: UnitOfWork, ctx: AuthContext, tenant_id: str, user_id: str, raw_changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``raw_changes`` (camelCase field -> value) to a profile in one unit of work.

    The fields are checked against the caller's write list for that profile, then the values
    validated; either refusal writes nothing. Fields admins may not read go to the private
    document (``user.private_fields``), in the same unit. The search fields follow the
    names, and ``version`` counts the writes. Answers the profile as the caller may read it.
    """
    profile = require_reachable(ctx, tenant_id, user_id, uow)
    own = profile.id == ctx.uid
    if not own:
        check_may_act_on(ctx, profile.id, profile.roles)
    check_writable(raw_changes, access_for(ctx, profile))
    if profile.deidentified:
        raise FailedPrecondition("The user was de-identified", type="user/deidentified")
    if own and profile.disabled:
        raise FailedPrecondition("The account is disabled", type="user/disabled")
    values = parse_changes(raw_changes)
    private = private_fields.read(tenant_id, profile.id, uow)
    whole = private_fields.merged(profile, private)
    merged = UserProfile.model_validate({**whole.model_dump(), **values})
    placed, private_write = private_fields.placement(profile, private, merged)
    derived = {k: v for k, v in search_fields(merged).items() if getattr(profile, k) != v}
    kept = {k: v for k, v in values.items() if k not in private_fields.FIELDS}
    update = {**kept, **placed, **derived, "version": (profile.version or 0) + 1}
    uow.bind(repos.profiles(tenant_id)).update(profile.id, update)
    private_fields.stage(uow, tenant_id, profile.id, private_write)
    updated = merged.model_copy(update={**derived, "version": update["version"]})
    return visible(updated, access_for(ctx, updated))


def parse_changes(raw_changes: dict[str, Any]) -> dict[str, Any]:
    """The validated values by model field name (nested values stay models, so they are stored
    under their camelCase names); ``invalid-argument`` naming each bad field."""
    if not raw_changes:
        raise InvalidArgument(
            "Name at least one field to change",
            fields=[{"field": "(request)", "message": "no field to change"}],
        )
    from user.models.requests import ProfileChanges  # a callable's model, not a trigger's

    try:
        parsed = ProfileChanges.model_validate_json(
            json.dumps(raw_changes), strict=True, extra="forbid"
        )
    except ValidationError as error:
        fields = [
            {"field": field_name(item["loc"]), "message": item["msg"]} for item in error.errors()
        ]
        names = ", ".join(dict.fromkeys(f["field"] for f in fields))
        raise InvalidArgument(f"Invalid request: {names}", fields=fields) from error
    values = {name: getattr(parsed, name) for name in parsed.model_fields_set}
    cleared = [name for name in NOT_NULL if name in values and values[name] is None]
    if cleared:
        raise InvalidArgument(
            "These fields cannot be cleared",
            fields=[
                {
                    "field": str(ProfileChanges.model_fields[name].alias),
                    "message": "cannot be null",
                }
                for name in cleared
            ],
        )
    if "type" in values:
        values["type"] = UserType(values["type"])
    return values


def follow_verified_email(uow: UnitOfWork, tenant_id: str, uid: str, email: str) -> bool:
    """The profile's email (and its search copy) becomes ``email``, which the caller vouches
    is *verified* on the Auth account (a ``verifyBeforeUpdateEmail`` followed); True when it
    moved. An email changed without verification never reaches here, so notifications, the
    tenant's lists and anything keyed on the profile's email keep the proven address. A
    missing, disabled or de-identified profile is left alone (de-identification removed the
    email for good, and the account is on its way out); the same email again writes nothing."""
    wanted = email.strip().lower()
    profiles = uow.bind(repos.profiles(tenant_id))
    profile = profiles.get(uid)
    if (
        not wanted
        or profile is None
        or profile.disabled
        or profile.deidentified
        or (profile.email or "").lower() == wanted
    ):
        return False
    moved = profile.model_copy(update={"email": wanted})
    search = {k: v for k, v in search_fields(moved).items() if getattr(profile, k) != v}
    profiles.update(uid, {"email": wanted, **search, "version": (profile.version or 0) + 1})
    return True
