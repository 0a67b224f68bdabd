"""Checks that a request is still current when its email goes out (``current`` in a definition).

Some messages go stale between the request and the send: a re-invitation replaces the token
the earlier invitation email carries, so sending the earlier one hands the invitee a dead link
(and spends their mail budget on it). A definition names its check; the delivery asks it
first and skips a stale request as ``superseded``. Each check reads its service's public
surface only.
"""

from __future__ import annotations

from collections.abc import Callable

from notifications.models.deliveries import DispatchRequest


def _invitation_token(request: DispatchRequest) -> bool:
    """The invitation still has this token, pending and unexpired."""
    from customer import public as customer

    token = request.data.get("token")
    if not isinstance(token, str):  # a request stored before the token was in its data
        from urllib.parse import parse_qs, urlsplit

        token = (parse_qs(urlsplit(request.link_path or "").query).get("token") or [""])[0]
    return customer.invitation_token_usable(token)


CHECKS: dict[str, Callable[[DispatchRequest], bool]] = {
    "invitation-token": _invitation_token,
}
"""The checks a definition's ``current`` may name (validated at load)."""


def is_current(check: str | None, request: DispatchRequest) -> bool:
    """Whether ``request`` is still worth sending (no check: always)."""
    return check is None or CHECKS[check](request)
