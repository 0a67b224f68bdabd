"""Tenant-supplied destinations (an SMTP host, a webhook URL): one parser, one resolution,
one connection to the address that was checked.

Three ways around a check that only looks at a name were found, and each is closed here:

- *Two parsers.* ``urlsplit`` read ``https://127.0.0.1:1\\@public.example/x`` as host
  ``public.example`` while the HTTP library connected to 127.0.0.1. A URL is now parsed once,
  by :func:`parse_url`, into a :class:`Target`, and the request is built from that value, never
  from the text. Whatever two parsers could read differently is refused: userinfo (``@``),
  backslashes, fragments, spaces, non-ASCII, percent signs that encode nothing.
- *Numeric spellings.* ``2852039166``, ``0xa9fea9fe``, ``127.1``, ``0``, ``0177.0.0.1`` and a
  trailing dot are all 169.254.169.254 or loopback to a resolver. :func:`canonical_host` takes
  a host name of letters, digits and hyphens whose last label is no number, or an IP literal
  in its canonical form, and nothing else.
- *Rebinding.* A name checked by one lookup and connected to by another may answer each
  differently. :func:`resolve` looks the name up once and checks every address
  (``addresses.refusal``); :func:`connect` connects to those addresses only. TLS still
  verifies the name: the callers give it as the server name (SNI and certificate).

A failure is recorded for the tenant's admins as a generic reason (:data:`UNREACHABLE`,
:data:`REFUSED`): what exactly failed (no such name, a private address, a closed port, a
timeout) would let an admin map our network through their delivery records. The detail goes
to the log only. The checks run when settings are saved (``invalid-argument`` naming the
field) and again before each send (settings saved before a rule existed).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from notifications.channels import DeliveryFailed
from notifications.channels.addresses import refusal
from shared import logs

_log = logs.get_logger("notifications.destinations")

UNREACHABLE = "provider-unreachable"
"""The delivery reason when no connection was made (for whatever reason)."""
REFUSED = "provider-refused"
"""The delivery reason when the provider was reached and answered with an error."""

_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_DECIMAL_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")
_LOCAL_NAMES = ("localhost", "local", "internal")
"""Suffixes that never name a public host (``metadata.google.internal`` among them)."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def canonical_host(host: str, *, allow_loopback: bool) -> str:
    """``host`` in lower case when it is a plain host name or a canonical, public IP literal;
    ``ValueError`` (its message says why) for anything a resolver could read another way."""
    name = host.lower()
    if ":" in name:
        return _ip_literal(name, allow_loopback=allow_loopback)
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError("must be a host name of letters, digits, dots and hyphens")
    if all(label.isdigit() for label in labels):
        if len(labels) != 4 or not all(_DECIMAL_OCTET.fullmatch(label) for label in labels):
            raise ValueError("must be a canonical IPv4 address (four decimal numbers)")
        return _ip_literal(name, allow_loopback=allow_loopback)
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise ValueError("a host name may not end in a number")
    local = labels[-1] in _LOCAL_NAMES
    if local and not (allow_loopback and name == "localhost"):
        raise ValueError("must be a public host")
    return name


def _ip_literal(address: str, *, allow_loopback: bool) -> str:
    import ipaddress

    try:
        canonical = str(ipaddress.ip_address(address))
    except ValueError as error:
        raise ValueError("not a valid IP address") from error
    if canonical != address:
        raise ValueError(f"must be written {canonical}")
    if refusal(address, allow_loopback=allow_loopback):
        raise ValueError("must be a public host")
    return address


@dataclass(frozen=True)
class Target:
    """A webhook URL as parsed once: the request is built from these fields only."""

    scheme: str
    host: str
    port: int
    path: str
    """The request target: path and query, as given (``/`` when the URL has none)."""

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.path}"


_URL = re.compile(r"(https?)://([^/?]+)([/?][A-Za-z0-9._~!$&'()*+,;=:@/?%-]*)?")
"""Path and query: RFC 3986's characters only (no backslash, space, ``#``, quote or brace)."""
_AUTHORITY = re.compile(r"(?:\[([0-9a-f:.]+)\]|([A-Za-z0-9.-]+))(?::([1-9][0-9]{0,4}))?")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_url(url: str, *, allow_loopback: bool) -> Target:
    """A webhook URL: https to a canonical public host, nothing two parsers could disagree on.
    Plain http only to this machine, and only when ``allow_loopback`` (the emulators)."""
    found = _URL.fullmatch(url)
    if found is None or _BAD_PERCENT.search(url):
        raise ValueError("not a plain URL (no user, backslash, fragment, space or non-ASCII)")
    scheme, authority, path = found.group(1), found.group(2), found.group(3) or "/"
    parts = _AUTHORITY.fullmatch(authority)
    if parts is None:
        raise ValueError("not a plain host and port")
    host = canonical_host(parts.group(1) or parts.group(2), allow_loopback=allow_loopback)
    port = int(parts.group(3) or (443 if scheme == "https" else 80))
    if port > 65535:
        raise ValueError("not a port")
    if scheme != "https" and not (allow_loopback and host in LOOPBACK_NAMES):
        raise ValueError("must be an https URL")
    return Target(scheme=scheme, host=host, port=port, path=path if path[0] == "/" else "/" + path)


@dataclass(frozen=True)
class Destination:
    """A host as checked: ``addresses`` are the only ones ever connected to, ``host`` is what
    TLS verifies (and what an HTTP ``Host`` header names)."""

    host: str
    port: int
    addresses: tuple[str, ...]

    @classmethod
    def platform(cls, host: str, port: int) -> Destination:
        """The platform's own server (configuration, not tenant input): reached by name."""
        return cls(host=host, port=port, addresses=(host,))


def resolve(host: str, port: int, *, allow_loopback: bool) -> Destination:
    """Look ``host`` up once; every address it has must be public. ``DeliveryFailed``
    (:data:`UNREACHABLE`, the detail logged) otherwise."""
    try:
        name = canonical_host(host, allow_loopback=allow_loopback)
        found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:  # UnicodeError is a ValueError
        raise failure(UNREACHABLE, host, port, error) from error
    addresses = tuple(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))
    for address in addresses:
        why = refusal(address, allow_loopback=allow_loopback)
        if why:
            raise failure(UNREACHABLE, host, port, f"{address}: {why}")
    return Destination(host=name, port=port, addresses=addresses)


def connect(destination: Destination, timeout: float) -> socket.socket:
    """A TCP connection to the first of the destination's addresses that answers (never a
    fresh lookup of its name). ``OSError`` when none does."""
    error: OSError = OSError(f"{destination.host}: no address")
    for address in destination.addresses:
        try:
            return socket.create_connection((address, destination.port), timeout)
        except OSError as failed:
            error = failed
    raise error


def failure(reason: str, host: str, port: int, detail: object) -> DeliveryFailed:
    """The generic ``reason`` for the delivery record; the detail for the log alone."""
    text = f"{type(detail).__name__}: {detail}" if isinstance(detail, Exception) else str(detail)
    _log.warning(
        "destination failed",
        extra={"fields": {"reason": reason, "host": host, "port": port, "detail": text}},
    )
    return DeliveryFailed(reason)
