"""Whether a signed-in caller may still act: a deactivated user is stopped at once.

An ID token stays valid for up to an hour after its user is deactivated, so every callable asks
the stored state, not the token. The cheapest correct check is one read of one field: the
``disabled`` flag of the caller's profile, ``tenants/{tenantId}/users/{uid}`` (the path SPEC
section 8 fixes; the user service writes it). Deactivation commits that flag, so the very next
call is refused, before the auth service has even disabled the Auth account. Callers without a
tenant (platform admins, people who have not joined one yet), and tenant callers without a
profile, get the Auth lookup instead (``verify_id_token(check_revoked=True)``: refused when the
account is disabled or its tokens were revoked after this one was issued). No cache: a cached
answer would let a deactivated user through until it expired.

Callables that change security state (``check_revoked=True``) make the Auth lookup as well, so
a revoked session is refused there even while the profile says enabled.
"""

from __future__ import annotations

from typing import Any

from shared import paths
from shared.auth_context import AuthContext
from shared.errors import Unauthenticated

PROFILES = "users"
"""``tenants/{tenantId}/users/{uid}``: the user service's profiles (a contract path)."""


def require_active(ctx: AuthContext, id_token: str, *, check_revoked: bool = False) -> None:
    """Refuse (``unauthenticated``, ``auth/disabled`` or ``auth/revoked``) a caller whose
    account is deactivated; with ``check_revoked``, also one whose sessions were revoked."""
    if ctx.tenant_id:
        from shared.clients import firestore_client
        from shared.document_reads import get_document

        path = paths.tenant_collection(ctx.tenant_id, PROFILES).document(ctx.uid)
        snapshot = get_document(firestore_client().document(str(path)), field_paths=["disabled"])
        if snapshot.exists:
            if (snapshot.to_dict() or {}).get("disabled") is True:
                raise Unauthenticated("The account is disabled", type="auth/disabled")
            if check_revoked:
                verify_not_revoked(id_token)
            return
    verify_not_revoked(id_token)


def verify_not_revoked(id_token: str) -> None:
    """Re-verify the ID token with the revocation check: refused when the account is disabled
    or its sessions were revoked after the token was issued (one Auth lookup)."""
    from firebase_admin import auth

    from shared.clients import admin_app

    try:
        auth.verify_id_token(id_token, app=admin_app(), check_revoked=True)
    except auth.UserDisabledError as error:
        raise Unauthenticated("The account is disabled", type="auth/disabled") from error
    except auth.RevokedIdTokenError as error:
        raise Unauthenticated("The session was revoked", type="auth/revoked") from error


def bearer_token(raw_request: Any) -> str:
    """The ID token of a callable request's ``Authorization: Bearer`` header."""
    return str(raw_request.headers.get("Authorization", "")).removeprefix("Bearer ")
