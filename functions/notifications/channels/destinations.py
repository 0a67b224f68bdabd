"""Tenant-supplied destinations (an SMTP host, a webhook URL) must be public hosts.

The functions run inside Google's network: an SMTP host or webhook URL pointing at a private
range, a link-local address (the metadata server, 169.254.169.254) or loopback would let a
tenant admin make our functions call internal services (server-side request forgery). A saved
IP literal is checked when saved; every host is resolved and checked again before each send,
since a name can resolve anywhere. Loopback is allowed only under the emulators, where the
stack's SMTP and recording servers listen on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket

from notifications.channels import DeliveryFailed


def unsafe_address(address: str, *, allow_loopback: bool) -> bool:
    """True when ``address`` (an IP literal) is not a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not allow_loopback
    return not ip.is_global or ip.is_multicast


def literal_is_unsafe(host: str, *, allow_loopback: bool) -> bool:
    """For validation when saved: True when ``host`` is an IP literal that is not public
    (a name is checked when used, by :func:`require_public_host`)."""
    try:
        return unsafe_address(host.strip("[]"), allow_loopback=allow_loopback)
    except ValueError:
        return False  # a name, not an address


def require_public_host(host: str, *, allow_loopback: bool) -> None:
    """Resolve ``host``; raise :class:`DeliveryFailed` unless every address it has is public."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise DeliveryFailed(f"{host}: cannot be resolved") from error
    for *_, sockaddr in found:
        if unsafe_address(str(sockaddr[0]), allow_loopback=allow_loopback):
            raise DeliveryFailed(f"{host}: not a public address ({sockaddr[0]})")
