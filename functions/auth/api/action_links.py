"""Public callables of the auth service: ask for a password-reset or email-verification link.

Both answer ``{"accepted": true}`` whether or not the email is known, doing the same work either
way (throttle, queue one task), and are throttled per email, per caller and overall
(``auth.action_links``).
"""

from __future__ import annotations

from auth import action_links
from auth.action_links import LinkKind
from auth.models.action_links import ActionLinkAnswer, ActionLinkRequest
from shared.auth_context import AuthContext
from shared.callables import callable_endpoint, on_call


@on_call()
@callable_endpoint(ActionLinkRequest, permission=None, public=True)
def auth_send_password_reset(ctx: AuthContext, req: ActionLinkRequest) -> ActionLinkAnswer:
    action_links.request_link(LinkKind.PASSWORD_RESET, req.email)
    return ActionLinkAnswer()


@on_call()
@callable_endpoint(ActionLinkRequest, permission=None, public=True)
def auth_send_email_verification(ctx: AuthContext, req: ActionLinkRequest) -> ActionLinkAnswer:
    action_links.request_link(LinkKind.EMAIL_VERIFICATION, req.email)
    return ActionLinkAnswer()
