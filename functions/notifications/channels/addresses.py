"""Which IP addresses a tenant-supplied destination may reach: public unicast only.

The functions run inside Google's network, so an SMTP host or webhook that resolves to a
private range, the metadata server (169.254.169.254), loopback or any address that ends up
at one of those would let a tenant admin make our functions call internal services (request
forgery). Python's ``is_global`` alone is not enough: it has passed NAT64 (``64:ff9b::/96``,
which a NAT64 gateway turns into the IPv4 address in its last 32 bits), IPv4-compatible
(``::a9fe:a9fe``) and 6to4 addresses, and its tables change between Python versions. So the
refusals are declared here as data: IPv6 must be global unicast (``2000::/3``) outside the
transition and special ranges, an IPv4-mapped address (``::ffff:a.b.c.d``) is judged as the
IPv4 address it reaches, and IPv4 must be outside every special-purpose range.
"""

from __future__ import annotations

import ipaddress

_IP = ipaddress.IPv4Address | ipaddress.IPv6Address

NOT_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network": 0.0.0.0 reaches this machine on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback (allowed under the emulators only)
        "169.254.0.0/16",  # link-local: the metadata server
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast included
    )
)
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
"""Everything outside it (loopback, ``::/96`` IPv4-compatible, ``64:ff9b::/96`` NAT64,
``100::/64``, ``fc00::/7`` unique-local, ``fe80::/10`` link-local, ``fec0::/10`` site-local,
``ff00::/8`` multicast) is refused."""
NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) included
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: carries an IPv4 address, possibly a private one
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
    )
)


def refusal(address: str, *, allow_loopback: bool) -> str | None:
    """Why ``address`` (an IP literal) may not be reached, or None when it is public unicast.
    ``allow_loopback``: under the emulators, whose stand-in servers listen on loopback."""
    try:
        ip: _IP = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    inside: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    if isinstance(ip, ipaddress.IPv4Address):
        inside = next((net for net in NOT_PUBLIC_V4 if ip in net), None)
    elif ip not in GLOBAL_UNICAST_V6:
        return "not global unicast"
    else:
        inside = next((net for net in NOT_PUBLIC_V6 if ip in net), None)
    if inside is not None:
        return f"in {inside}"
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_link_local:
        return "not global"  # a belt for whatever Python knows that the tables above miss
    return None
