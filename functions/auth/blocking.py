"""Blocking functions: a user is placed in a tenant before their ID token is minted, so the
token already carries the tenant and roles.

- ``before_user_created``: a new account whose provider asserts a verified email (e.g. Google)
  is placed by ``auth.signup``; every other new account starts without a tenant.
- ``before_user_signed_in``: an account still without a tenant whose email is now verified
  (through our verification link) is placed by the same rules at its next sign-in. For an
  account that has a tenant, a verified email the profile does not hold yet (a verified email
  change) moves the profile's email: one profile read per sign-in. An unverified email does
  neither, and costs nothing (the facts are on the event).

A failure to place never blocks the sign-up or sign-in (the account simply stays without a
tenant, and the next sign-in tries again); it is logged.
"""

from __future__ import annotations

from firebase_functions import identity_fn

from auth import signup
from auth.claims import claims_set_event
from shared import events, logs

USER_CREATED = "auth.user_created"
_log = logs.get_logger("auth.blocking")


def _place(user: identity_fn.AuthUserRecord) -> signup.Placement:
    try:
        return signup.place_user(user.uid, user.email, bool(user.email_verified), user.display_name)
    except Exception:
        _log.exception("placement failed; the account stays without a tenant for now")
        return signup.NOWHERE


@identity_fn.before_user_created()
def before_user_created(
    event: identity_fn.AuthBlockingEvent,
) -> identity_fn.BeforeCreateResponse | None:
    user = event.data
    with logs.invocation("before_user_created"):
        placement = _place(user)
        logs.bind(tenantId=placement.tenant_id, source=placement.source)
        events.publish(
            [
                events.new_event(
                    USER_CREATED,
                    tenant_id=placement.tenant_id,
                    subject_id=user.uid,
                    event_id=f"user-created-{user.uid}",
                    data={
                        "email": user.email,
                        "roles": placement.roles,
                        "source": placement.source,
                        "invitationId": placement.invitation_id,
                    },
                )
            ]
        )
        return identity_fn.BeforeCreateResponse(
            custom_claims=signup.token_claims(user.uid, placement)
        )


@identity_fn.before_user_signed_in()
def before_user_signed_in(
    event: identity_fn.AuthBlockingEvent,
) -> identity_fn.BeforeSignInResponse | None:
    user = event.data
    if not user.email_verified:
        return None  # an unproven email places nobody and moves no profile's email
    if not signup.needs_placement(user.custom_claims):
        _follow_verified_email(user)
        return None
    with logs.invocation("before_user_signed_in"):
        placement = _place(user)
        logs.bind(tenantId=placement.tenant_id, source=placement.source)
        if placement.tenant_id is None:
            return None
        events.publish([claims_set_event(placement.tenant_id, [user.uid], subject_id=user.uid)])
        return identity_fn.BeforeSignInResponse(
            custom_claims=signup.token_claims(user.uid, placement)
        )


def _follow_verified_email(user: identity_fn.AuthUserRecord) -> None:
    """A tenant user signing in with a verified email their profile does not hold yet (a
    ``verifyBeforeUpdateEmail`` followed, which also ended their sessions): the profile's
    email follows. One read when nothing changed; a failure is logged, never blocking."""
    tenant_id = (user.custom_claims or {}).get("tenantId")
    if not tenant_id or not user.email:
        return
    with logs.invocation("before_user_signed_in", tenantId=tenant_id):
        try:
            if signup.follow_verified_email(user.uid, tenant_id, user.email):
                _log.info("the profile's email followed a verified change")
        except Exception:
            _log.exception("the profile's email could not follow; the next sign-in retries")
