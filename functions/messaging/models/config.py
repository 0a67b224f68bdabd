"""``static/messaging.yaml``: conversation types and send limits, validated at load."""

from typing import Literal, Self

from pydantic import Field, model_validator

from shared.models import Model


class ConversationType(Model):
    """One kind of conversation a product offers."""

    description: str = ""
    direct: bool = Field(
        default=False, description="Fixed membership of two, id derived from the participants."
    )
    creator_roles: list[str] = Field(
        default_factory=list, description="Roles that may create one; empty: any member."
    )
    max_participants: int = Field(ge=2, le=1000)
    edit_window_seconds: int = Field(ge=0, description="How long after sending an edit is allowed.")
    edit_limit: int = Field(ge=0, description="Edits per message.")
    retention_days: int | None = Field(default=None, ge=1, description="None keeps for ever.")
    mentions_notify: bool = True
    history: Literal["joined", "all"] = Field(
        default="joined",
        description="What a member reads: `joined`, the messages from their joining on (a "
        "member added later, or removed and added again, reads nothing sent before); `all`, "
        "every message. Copied onto each conversation at creation, where the rules read it.",
    )

    @model_validator(mode="after")
    def _direct_is_two(self) -> Self:
        if self.direct and self.max_participants != 2:
            raise ValueError("a direct type has exactly 2 participants")
        return self


class SendRate(Model):
    limit: int = Field(ge=1)
    window_seconds: int = Field(ge=1)


class MessagingConfig(Model):
    """``static/messaging.yaml``."""

    max_text_length: int = Field(ge=1, le=20000)
    send_rate: SendRate
    denied_url_hosts: list[str] = Field(default_factory=list)
    types: dict[str, ConversationType]

    @model_validator(mode="after")
    def _has_direct_and_group(self) -> Self:
        missing = {"direct", "group"} - set(self.types)
        if missing:
            raise ValueError(f"types must declare {sorted(missing)}")
        return self


def messaging_config() -> MessagingConfig:
    """The declaration, read once per process."""
    from shared.static_config import load_static

    return load_static("messaging.yaml", MessagingConfig)
