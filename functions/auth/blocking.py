"""``before_user_created``: a blocking function, so the very first ID token already carries
the user's tenant and roles (no refresh dance after sign-up)."""

from __future__ import annotations

from firebase_functions import identity_fn

from auth import signup
from shared import events, logs

USER_CREATED = "auth.user_created"


@identity_fn.before_user_created()
def before_user_created(
    event: identity_fn.AuthBlockingEvent,
) -> identity_fn.BeforeCreateResponse | None:
    user = event.data
    with logs.invocation("before_user_created"):
        placement = signup.place_new_user(user.uid, user.email, user.display_name)
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
