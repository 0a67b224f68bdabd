"""Looking up a domain's DNS TXT records: the one place that speaks DNS.

Domain verification asks :func:`txt_records`, which goes through :class:`TxtResolver`. In
production :class:`DnsTxtResolver` asks the system's resolvers (``/etc/resolv.conf``);
``DNS_NAMESERVER=host:port`` points it at one server instead, which is how the tests and the
local stack use a tiny DNS server on the loopback (``tests/support/dns_server.py``): the same
code and the same DNS protocol as in production, only the server differs. dnspython is
imported on first use, so no other function pays for it at cold start.
"""

from __future__ import annotations

import functools
import os
from typing import Protocol

TIMEOUT_SECONDS = 3.0


class TxtResolver(Protocol):
    def txt(self, name: str) -> list[str]:
        """The TXT strings published at ``name`` (empty when there are none)."""
        ...


class DnsTxtResolver:
    """TXT lookups over DNS, through the system's resolvers or ``nameserver`` (``host:port``)."""

    def __init__(self, nameserver: str | None = None) -> None:
        self.nameserver = nameserver

    def txt(self, name: str) -> list[str]:
        import dns.exception
        import dns.resolver

        resolver = dns.resolver.Resolver(configure=self.nameserver is None)
        if self.nameserver is not None:
            host, _, port = self.nameserver.rpartition(":")
            resolver.nameservers = [host]
            resolver.port = int(port)
        resolver.lifetime = TIMEOUT_SECONDS
        try:
            answer = resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            return []
        except dns.exception.Timeout:
            return []
        return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


@functools.cache
def resolver() -> TxtResolver:
    """The resolver of this process (``DNS_NAMESERVER`` read once)."""
    return DnsTxtResolver(os.environ.get("DNS_NAMESERVER") or None)


def txt_records(name: str) -> list[str]:
    return resolver().txt(name)
