"""Requests and answers of the action-link callables (``auth.api.action_links``)."""

from shared.models import Email, Model, RequestModel


class ActionLinkRequest(RequestModel):
    email: Email


class ActionLinkAnswer(Model):
    """The same answer whether or not the email belongs to a user (nothing is revealed)."""

    accepted: bool = True
