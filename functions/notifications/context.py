"""What a template sees: the tenant's branding, the recipient, the request's data, the link.

Links are built from the tenant's host (``https://{host}{path}``), or the platform's app origin
(``NOTIFICATIONS_APP_ORIGIN``) for a tenant without one; a request may carry a full link
instead (auth's action links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from notifications.config import config
from notifications.models.deliveries import DispatchRequest


@dataclass(frozen=True)
class Branding:
    name: str = ""
    logo_url: str | None = None
    host: str | None = None


@dataclass(frozen=True)
class Person:
    display_name: str = ""
    email: str | None = None
    locale: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def branding(tenant_id: str | None) -> Branding:
    """The tenant's branding through ``customer.public`` (the platform's for no tenant)."""
    if tenant_id is None:
        return Branding(name="")
    from customer import public as customer

    found = customer.tenant_branding(tenant_id)
    if found is None:
        return Branding(name="")
    return Branding(name=found.name, logo_url=found.logo_url, host=found.host)


def link_for(request: DispatchRequest, brand: Branding) -> str:
    if request.link:
        return request.link
    origin = f"https://{brand.host}" if brand.host else config().app_origin
    path = request.link_path or "/"
    return origin + (path if path.startswith("/") else "/" + path)


def template_context(
    request: DispatchRequest, brand: Branding, person: Person, **extra: Any
) -> dict[str, Any]:
    return {
        "tenant": {"name": brand.name, "logo_url": brand.logo_url, "host": brand.host},
        "recipient": {"display_name": person.display_name, "email": person.email},
        "data": request.data,
        "link": link_for(request, brand),
        "notification": request.notification_id,
        **extra,
    }
