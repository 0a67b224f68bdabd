"""Device tokens for push (FCM): closed to clients, registered through callables."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models import Document, RequestModel
from shared.types import Id

Token = Annotated[
    str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[A-Za-z0-9_:.\-]+$")
]
"""An FCM registration token (printable, no spaces)."""


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"


class DeviceToken(Document):
    """``tenants/{t}/deviceTokens/{sha256(token)}``: whose device, last seen when."""

    tenant_id: str
    user_id: str
    token: str
    platform: Platform
    last_seen_at: datetime


class DeviceTokenHolder(Document):
    """``deviceTokenHolders/{sha256(token)}`` (root, closed): who holds a token, across tenants.
    A token is one app install; it belongs to one account at a time."""

    tenant_id: str
    user_id: str


class RegisterDeviceToken(RequestModel):
    token: Token
    platform: Platform
    tenant_id: Id | None = None


class UnregisterDeviceToken(RequestModel):
    token: Token
    tenant_id: Id | None = None


class OkAnswer(RequestModel):
    ok: bool = Field(default=True)
