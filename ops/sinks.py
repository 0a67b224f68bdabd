"""Local stand-ins for the providers the notifications service talks to, started by the stack.

- A real SMTP server (``aiosmtpd``) on ``NOTIFICATIONS_SMTP_PORT`` (2525): every accepted
  message is written to ``FOUNDATION_MAILBOX_DIR`` as ``<n>.eml`` (read it in a mail client or
  with ``tests/support/sinks.py``). Recipients at ``refuse.test`` are refused (550), which is
  how tests make a server refuse.
- An HTTP server on ``FOUNDATION_SINK_PORT`` (9980) that records every request as one JSON line
  in ``FOUNDATION_WEBHOOK_LOG`` and answers like the provider would: FCM's HTTP v1 send
  (``/fcm/v1/projects/<p>/messages:send``: a message name, or ``404 UNREGISTERED`` for a token
  starting with ``invalid-``), Slack and Teams webhooks (``200 ok``; any path under ``/fail``
  answers 500).

Usage: ``python ops/sinks.py`` (runs until stopped).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MAILBOX = Path(os.environ.get("FOUNDATION_MAILBOX_DIR", ".local/mailbox"))
WEBHOOK_LOG = Path(os.environ.get("FOUNDATION_WEBHOOK_LOG", ".local/webhooks.jsonl"))
SMTP_PORT = int(os.environ.get("NOTIFICATIONS_SMTP_PORT", "2525"))
HTTP_PORT = int(os.environ.get("FOUNDATION_SINK_PORT", "9980"))
_counter = itertools.count(1)
_lock = threading.Lock()


class MailboxHandler:
    """aiosmtpd handler: refuse ``@refuse.test``, store everything else."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower().endswith("@refuse.test"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with _lock:
            name = f"{next(_counter):06d}-{os.getpid()}.eml"
        (MAILBOX / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class Recorder(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode(errors="replace")
        with _lock, WEBHOOK_LOG.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"path": self.path, "body": body}) + "\n")
        status, answer = self._answer(body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _answer(self, body: Any) -> tuple[int, Any]:
        if self.path.startswith("/fail"):
            return 500, {"error": "failing on purpose"}
        if self.path.startswith("/fcm/"):
            token = ((body or {}).get("message") or {}).get("token", "")
            if token.startswith("invalid-"):
                error = {
                    "code": 404,
                    "status": "NOT_FOUND",
                    "message": "Requested entity was not found.",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                            "errorCode": "UNREGISTERED",
                        }
                    ],
                }
                return 404, {"error": error}
            return 200, {"name": f"projects/local/messages/{next(_counter)}"}
        return 200, {"ok": True}


async def main() -> None:
    from aiosmtpd.controller import Controller

    MAILBOX.mkdir(parents=True, exist_ok=True)
    WEBHOOK_LOG.parent.mkdir(parents=True, exist_ok=True)
    WEBHOOK_LOG.touch()
    controller = Controller(MailboxHandler(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    http = ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), Recorder)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    print(
        f"[sinks] smtp 127.0.0.1:{SMTP_PORT} -> {MAILBOX}; "
        f"http 127.0.0.1:{HTTP_PORT} -> {WEBHOOK_LOG}",
        flush=True,
    )
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
