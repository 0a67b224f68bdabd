"""Tenant-supplied destinations cannot be turned against our network (request forgery): every
non-public address refused in production, numeric and two-parser spellings refused when saved
and before a send, the connection made to the address that was checked (no second lookup)
with TLS verifying the name, and failures recorded as a generic reason (no port-scan oracle).

The production path is tested with ``allow_loopback=False``; the servers here listen on the
loopback and are reached through a :class:`Destination` pinned to 127.0.0.1 under a name that
does not resolve at all (``.invalid``), so any second lookup would fail the test.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import ValidationError

from notifications import settings
from notifications.channels import DeliveryFailed, addresses, destinations, webhooks
from notifications.channels.destinations import Destination, Target
from notifications.channels.email import Email, SmtpProvider
from notifications.models.settings import UpdateTenantChannels
from shared.errors import InvalidArgument
from tests.support.notification_fakes import FakeNotifications, fake_notifications
from tests.support.tls_certificates import new_authority

TENANT = "t1"
UNRESOLVABLE = "hooks.rebind.invalid"
UNREACHABLE = r"^provider-unreachable$"
REFUSED = r"^provider-refused$"

NOT_PUBLIC = (
    # IPv4: private, carrier-grade NAT, "this network", link-local (metadata), loopback,
    # multicast, reserved, broadcast, documentation, benchmarking, 6to4 relay
    "10.0.0.8",
    "172.16.4.1",
    "192.168.1.1",
    "100.64.0.1",
    "0.0.0.0",
    "0.1.2.3",
    "169.254.169.254",
    "127.0.0.1",
    "127.8.8.8",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "192.88.99.1",
    # IPv6: loopback, unspecified, mapped, IPv4-compatible, NAT64 (both prefixes), 6to4,
    # Teredo, unique-local, link-local, site-local, multicast, discard, documentation
    "::1",
    "::",
    "::ffff:169.254.169.254",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.8",
    "::a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a9fe:a9fe",
    "2002:a9fe:a9fe::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "fc00::1",
    "fd00::1",
    "fe80::1",
    "fec0::1",
    "ff02::1",
    "100::1",
    "2001:db8::1",
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNotifications:
    return fake_notifications(monkeypatch)


# -- addresses ---------------------------------------------------------------------------------
@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_every_non_public_address_is_refused_in_production(address: str):
    assert addresses.refusal(address, allow_loopback=False) is not None


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_send_to_a_non_public_address_fails_with_the_generic_reason(address: str):
    with pytest.raises(DeliveryFailed) as failed:
        destinations.resolve(address, 443, allow_loopback=False)
    assert str(failed.value) == "provider-unreachable"


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_unicast_addresses_pass(address: str):
    assert addresses.refusal(address, allow_loopback=False) is None
    assert destinations.resolve(address, 443, allow_loopback=False).addresses == (address,)


def test_loopback_is_allowed_under_the_emulators_and_nothing_else_private_is():
    for loopback in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert addresses.refusal(loopback, allow_loopback=True) is None
    for other in NOT_PUBLIC:
        if other not in ("127.0.0.1", "127.8.8.8", "::1", "::ffff:127.0.0.1"):
            assert addresses.refusal(other, allow_loopback=True) is not None, other


def test_an_unresolvable_name_fails_retryably_with_the_generic_reason():
    with pytest.raises(DeliveryFailed, match=UNREACHABLE):
        destinations.resolve("nothing.invalid", 25, allow_loopback=False)


# -- spellings refused when saved ----------------------------------------------------------------
NON_CANONICAL_HOSTS = (
    "2852039166",  # 169.254.169.254 as one number
    "0xa9fea9fe",  # ... in hex
    "0xA9FEA9FE",
    "0251.0376.0251.0376",  # ... in octal
    "169.254.169.254.",  # a trailing dot
    "127.1",  # 127.0.0.1, shortened
    "0",  # 0.0.0.0
    "0x7f.0.0.1",
    "1.2.3.4.5",
    "example.123",  # a name ending in a number is read as an address
    "a..example.com",
    "-bad.example.com",
    "metadata.google.internal",
    "printer.local",
    "localhost",  # in production
)


@pytest.mark.parametrize("host", NON_CANONICAL_HOSTS)
def test_numeric_spellings_and_local_names_are_refused_as_an_smtp_host(emulators, fake, host):
    emulators(False)
    smtp = {"host": host, "port": 587, "sender": "m@acme.test"}
    with pytest.raises(InvalidArgument) as refused:
        settings.update_tenant_channels(TENANT, UpdateTenantChannels.model_validate({"smtp": smtp}))
    assert [f["field"] for f in refused.value.fields] == ["smtp.host"]


@pytest.mark.parametrize("host", NON_CANONICAL_HOSTS)
def test_numeric_spellings_and_local_names_are_refused_in_a_webhook_url(emulators, host):
    emulators(False)
    with pytest.raises(ValidationError) as refused:
        UpdateTenantChannels.model_validate({"teamsWebhookUrl": f"https://{host}/hook"})
    assert [error["loc"] for error in refused.value.errors()] == [("teamsWebhookUrl",)]


HOSTILE_URLS = (
    "https://127.0.0.1:9980\\@hooks.example.com/x",  # urlsplit: hooks.example.com
    "https://hooks.example.com\\@127.0.0.1/x",
    "https://hooks.example.com\\.127.0.0.1/x",
    "https://user@hooks.example.com/x",
    "https://user:pw@hooks.example.com/x",
    "https://hooks.example.com/x\\..\\y",
    "https://hooks.example.com/x#fragment",
    "https://hooks.example.com/a b",
    "https://hooks.example.com/%zz",
    "https://hooks.example.com:0/x",
    "https://hooks.example.com:99999/x",
    "https://hooks.example.com:0443/x",
    "https://hooks.exämple.com/x",
    "https://[::ffff:a9fe:a9fe]/x",
    "https://[::ffff:169.254.169.254]/x",
    "https://[64:ff9b::a9fe:a9fe]/x",
    "https://[fe80::1%25eth0]/x",
    "https://2852039166/x",
    "https://169.254.169.254./x",
    "http://hooks.example.com/x",
)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_urls_two_parsers_could_read_differently_are_refused_when_saved(emulators, url):
    emulators(False)
    with pytest.raises(ValidationError) as refused:
        UpdateTenantChannels.model_validate({"slackWebhookUrl": url})
    assert [error["loc"] for error in refused.value.errors()] == [("slackWebhookUrl",)]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_url_stored_before_the_rules_is_never_posted_to(url):
    with pytest.raises(DeliveryFailed, match=UNREACHABLE):
        webhooks.post(url, {"text": "hi"}, allow_loopback=False)


def test_real_webhook_urls_are_kept_and_the_request_is_built_from_the_parsed_parts(emulators):
    emulators(False)
    teams = (
        "https://prod-07.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
        "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zx-9_y~"
    )
    slack = "https://hooks.slack.com/services/T000/B000/XXXX"
    assert UpdateTenantChannels.model_validate({"slackWebhookUrl": slack}).slack_webhook_url == (
        slack
    )
    target = destinations.parse_url(teams, allow_loopback=False)
    assert (target.scheme, target.host, target.port) == (
        "https",
        "prod-07.westus.logic.azure.com",
        443,
    )
    assert target.path.startswith("/workflows/abc/") and target.path.endswith("sig=Zx-9_y~")
    assert target.url == teams.replace(":443", "")


# -- connecting to the checked address -----------------------------------------------------------
class Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]]
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append({"path": self.path, "host": self.headers["Host"], "body": body})
        self.send_response(self.status)
        self.send_header("Location", "/internal")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[ThreadingHTTPServer, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, seen
    server.shutdown()
    server.server_close()


def pinned(port: int, host: str = UNRESOLVABLE) -> Destination:
    return Destination(host=host, port=port, addresses=("127.0.0.1",))


def test_a_webhook_post_goes_to_the_checked_address_without_looking_the_name_up_again(
    http_server,
):
    server, seen = http_server
    port = server.server_address[1]
    target = Target(scheme="http", host=UNRESOLVABLE, port=port, path="/hook?x=1")

    webhooks.send(target, pinned(port), {"text": "hi"})

    assert seen == [
        {"path": "/hook?x=1", "host": f"{UNRESOLVABLE}:{port}", "body": b'{"text": "hi"}'}
    ]


def test_a_webhook_post_never_follows_a_redirect_and_records_a_generic_reason(http_server):
    server, seen = http_server
    server.RequestHandlerClass.status = 302
    port = server.server_address[1]
    target = Target(scheme="http", host=UNRESOLVABLE, port=port, path="/hook")
    with pytest.raises(DeliveryFailed, match=REFUSED):
        webhooks.send(target, pinned(port), {"text": "hi"})
    assert [request["path"] for request in seen] == ["/hook"]


def test_a_webhook_over_tls_is_verified_for_its_name_not_for_the_address_connected_to():
    authority = new_authority()
    seen: list[dict[str, Any]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Recorder,), {"seen": seen}))
    server.socket = authority.server_context("hooks.test").wrap_socket(
        server.socket, server_side=True
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        for name in ("hooks.test", "other.test"):
            target = Target(scheme="https", host=name, port=port, path="/hook")
            destination = pinned(port, host=name)
            if name == "hooks.test":
                webhooks.send(target, destination, {"n": 1}, trust=authority.client_context())
            else:
                with pytest.raises(DeliveryFailed, match=UNREACHABLE):
                    webhooks.send(target, destination, {"n": 2}, trust=authority.client_context())
    finally:
        server.shutdown()
        server.server_close()
    assert [request["body"] for request in seen] == [b'{"n": 1}']


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest) -> Iterator[tuple[int, list[Any], Any]]:
    """An aiosmtpd server on the loopback offering STARTTLS with a certificate for
    ``mail.test`` (signed by a test authority); yields its port, the envelopes it took and
    the authority."""
    from aiosmtpd.controller import Controller

    authority = new_authority()
    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        tls_context=authority.server_context("mail.test"),
    )
    controller.start()
    yield port, received, authority
    controller.stop()


def email() -> Email:
    return Email(to="ann@acme.test", subject="Hi", text="t", html="<p>t</p>", message_id="m1")


def test_smtp_goes_to_the_checked_address_and_starttls_verifies_the_servers_name(smtp_server):
    port, received, authority = smtp_server
    trust = authority.client_context()
    SmtpProvider(pinned(port, "mail.test"), "m@acme.test", starttls=True, trust=trust).send(email())
    assert [envelope.rcpt_tos for envelope in received] == [["ann@acme.test"]]

    wrong_name = SmtpProvider(pinned(port, "other.test"), "m@acme.test", starttls=True, trust=trust)
    with pytest.raises(DeliveryFailed, match=UNREACHABLE):
        wrong_name.send(email())
    untrusted = SmtpProvider(pinned(port, "mail.test"), "m@acme.test", starttls=True)
    with pytest.raises(DeliveryFailed, match=UNREACHABLE):
        untrusted.send(email())  # the system's authorities never signed the test certificate
    assert len(received) == 1


def test_a_closed_port_a_private_address_and_an_unknown_name_read_the_same_to_the_admin():
    reasons = set()
    with pytest.raises(DeliveryFailed) as closed:
        SmtpProvider(pinned(free_port()), "m@acme.test").send(email())
    reasons.add(str(closed.value))
    for host in (UNRESOLVABLE, "10.0.0.8", "127.0.0.1"):
        with pytest.raises(DeliveryFailed) as refused:
            destinations.resolve(host, 25, allow_loopback=False)
        reasons.add(str(refused.value))
    assert reasons == {"provider-unreachable"}


def test_a_refusal_after_the_greeting_is_recorded_as_provider_refused(smtp_server):
    port, _, _ = smtp_server
    provider = SmtpProvider(pinned(port), "m@acme.test", username="u", password="p")
    with pytest.raises(DeliveryFailed, match=REFUSED):
        provider.send(email())  # the server offers no AUTH: smtplib refuses to log in


def test_the_platforms_own_server_is_reached_by_name(smtp_server):
    port, received, _ = smtp_server
    SmtpProvider(Destination.platform("localhost", port), "m@acme.test").send(email())
    assert len(received) == 1


def test_a_webhooks_error_status_is_recorded_as_provider_refused_without_the_status(http_server):
    server, _ = http_server
    server.RequestHandlerClass.status = 500
    port = server.server_address[1]
    with pytest.raises(DeliveryFailed) as failed:
        webhooks.send(Target("http", UNRESOLVABLE, port, "/"), pinned(port), {})
    assert str(failed.value) == "provider-refused"
