"""A tiny authoritative DNS server on the loopback, answering TXT queries from a dict.

Domain verification (``customer.dns_txt``) speaks real DNS to the server ``DNS_NAMESERVER``
names (set by ``ops/with-emulators``, so the functions see it too). Tests start this server on
that address and publish the records a tenant would publish, so verification runs the same
code and protocol as in production; only the server differs. A name it does not know answers
NXDOMAIN.
"""

from __future__ import annotations

import os
import socketserver
import threading
from typing import Any


class FakeDns:
    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.records: dict[str, list[str]] = {}
        records = self.records

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                import dns.message
                import dns.rcode
                import dns.rdatatype
                import dns.rrset

                data, sock = self.request
                query = dns.message.from_wire(data)
                response: Any = dns.message.make_response(query)
                question = query.question[0]
                name = question.name.to_text(omit_final_dot=True).lower()
                texts = records.get(name)
                if texts is None:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                elif question.rdtype == dns.rdatatype.TXT:
                    quoted = ['"' + t.replace('"', '\\"') + '"' for t in texts]
                    response.answer.append(
                        dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted)
                    )
                sock.sendto(response.to_wire(), self.client_address)

        self.server = socketserver.ThreadingUDPServer((host, int(port)), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def publish(self, name: str, text: str) -> None:
        """Add a TXT string at ``name``."""
        self.records.setdefault(name.lower(), []).append(text)

    def start(self) -> FakeDns:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def nameserver() -> str:
    address = os.environ.get("DNS_NAMESERVER")
    assert address, "DNS_NAMESERVER is unset: run the tests through ops/with-emulators"
    return address
