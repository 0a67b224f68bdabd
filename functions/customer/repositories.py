"""Where the customer service's documents live (paths come from shared.paths only).

The organisation, API-key and external-API models are imported where their repository is
built: every customer function imports this module, and only some need those models (a
deployed instance imports just its own function's module, see ``functions/main.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from customer.models.tenants import Invitation, Location, Tenant
from shared import paths
from shared.repository import CollectionGroup, CollectionRepository

if TYPE_CHECKING:
    from customer.models.domains import RegistrationDomain
    from customer.models.organisation import Client, Contact, Department
    from shared.api_keys import ApiKey

LOCATIONS = "locations"
INVITATIONS = "invitations"
CLIENTS = "clients"
DEPARTMENTS = "departments"
CONTACTS = "contacts"
REGISTRATION_DOMAINS = "registrationDomains"


def tenants() -> CollectionRepository[Tenant]:
    """``tenants``: one document per customer."""
    return CollectionRepository(Tenant, paths.tenants())


def locations(tenant_id: str) -> CollectionRepository[Location]:
    """``tenants/{tenantId}/locations``."""
    return CollectionRepository(Location, paths.tenant_collection(tenant_id, LOCATIONS))


def invitations(tenant_id: str) -> CollectionRepository[Invitation]:
    """``tenants/{tenantId}/invitations``."""
    return CollectionRepository(Invitation, paths.tenant_collection(tenant_id, INVITATIONS))


def invitations_everywhere() -> CollectionGroup[Invitation]:
    """Every tenant's ``invitations`` (a collection group, read only: an email's pending
    invitations across tenants)."""
    return CollectionGroup(Invitation, INVITATIONS)


# -- organisation: the tenant's own entries, or a client's (under ``clients/{clientId}``) -------
def _org_collection(tenant_id: str, client_id: str | None, name: str) -> paths.CollectionPath:
    """``tenants/{tenantId}/{name}``, or ``tenants/{tenantId}/clients/{clientId}/{name}``."""
    if client_id is None:
        return paths.tenant_collection(tenant_id, name)
    return paths.subcollection(tenant_id, CLIENTS, client_id, name)


def clients(tenant_id: str) -> CollectionRepository[Client]:
    """``tenants/{tenantId}/clients``."""
    from customer.models.organisation import Client

    return CollectionRepository(Client, paths.tenant_collection(tenant_id, CLIENTS))


def departments(tenant_id: str, client_id: str | None = None) -> CollectionRepository[Department]:
    """``tenants/{tenantId}[/clients/{clientId}]/departments``."""
    from customer.models.organisation import Department

    return CollectionRepository(Department, _org_collection(tenant_id, client_id, DEPARTMENTS))


def org_locations(tenant_id: str, client_id: str | None = None) -> CollectionRepository[Location]:
    """``tenants/{tenantId}[/clients/{clientId}]/locations`` (``locations`` is the tenant's)."""
    return CollectionRepository(Location, _org_collection(tenant_id, client_id, LOCATIONS))


def contacts(tenant_id: str, client_id: str | None = None) -> CollectionRepository[Contact]:
    """``tenants/{tenantId}[/clients/{clientId}]/contacts``."""
    from customer.models.organisation import Contact

    return CollectionRepository(Contact, _org_collection(tenant_id, client_id, CONTACTS))


def api_keys(tenant_id: str) -> CollectionRepository[ApiKey]:
    """``tenants/{tenantId}/apiKeys`` (the stored model and the path live in shared.api_keys,
    which verifies keys for every service)."""
    from shared.api_keys import api_key_repository

    return api_key_repository(tenant_id)


def registration_domains() -> CollectionRepository[RegistrationDomain]:
    """``registrationDomains/{domain}``: which tenant claimed an email domain (global, so a
    domain has one owner; closed to clients)."""
    from customer.models.domains import RegistrationDomain

    return CollectionRepository(RegistrationDomain, paths.root_collection(REGISTRATION_DOMAINS))
