"""Email through SMTP, behind a provider interface (other providers implement ``send``).

The platform's server comes from ``NOTIFICATIONS_SMTP_HOST``/``PORT``; a tenant may bring its
own server and sender (``notificationChannels/settings.smtp``). The ``Message-ID`` derives
from the delivery id, so a message re-sent after a lost acknowledgement is recognisably the
same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from notifications.channels import DeliveryFailed


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


@dataclass(frozen=True)
class SmtpProvider:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

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
        import smtplib

        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(self.message(email))
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(
                f"smtp {self.host}:{self.port}: {type(error).__name__}: {error}"
            ) from error
