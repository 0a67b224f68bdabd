"""Email through SMTP, behind a provider interface (other providers implement ``send``).

The platform's server comes from ``NOTIFICATIONS_SMTP_HOST``/``PORT``; a tenant may bring its
own server and sender (``notificationChannels/settings.smtp``), which is reached only at the
address its check resolved (``destinations.resolve``), with STARTTLS verifying the server's
certificate for its name. The ``Message-ID`` derives from the delivery id, so a message
re-sent after a lost acknowledgement is recognisably the same message.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from notifications.channels.destinations import REFUSED, UNREACHABLE, Destination, connect, failure


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    sender_name: str = ""


class EmailProvider(Protocol):
    def send(self, email: Email) -> None: ...


class PinnedSMTP(smtplib.SMTP):
    """An SMTP session with a destination's checked addresses. ``smtplib`` would look the name
    up again (a rebinding name answers the check with a public address and the connection with
    an internal one), so the socket comes from ``destinations.connect``, through the hook
    ``SMTP_SSL`` overrides too; the session's host stays the name, which ``starttls`` gives as
    the server name (SNI and the certificate check)."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        self.destination = destination
        super().__init__(destination.host, destination.port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return connect(self.destination, timeout)


@dataclass(frozen=True)
class SmtpProvider:
    destination: Destination
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    trust: ssl.SSLContext | None = None
    """Whose certificates STARTTLS accepts (None: the system's)."""

    def message(self, email: Email) -> EmailMessage:
        from email.utils import formataddr

        message = EmailMessage()
        message["From"] = (
            formataddr((email.sender_name, self.sender)) if email.sender_name else self.sender
        )
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = f"<{email.message_id}@{self.sender.split('@', 1)[-1]}>"
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        return message

    def send(self, email: Email) -> None:
        """Send, or raise ``DeliveryFailed`` with a generic reason (the detail is logged):
        ``provider-unreachable`` until the server greeted us, ``provider-refused`` after."""
        host, port = self.destination.host, self.destination.port
        try:
            with PinnedSMTP(self.destination, self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.trust or ssl.create_default_context())
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(self.message(email))
        except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as error:
            raise failure(UNREACHABLE, host, port, error) from error
        except smtplib.SMTPException as error:  # an OSError too: caught first
            raise failure(REFUSED, host, port, error) from error
        except OSError as error:
            raise failure(UNREACHABLE, host, port, error) from error
