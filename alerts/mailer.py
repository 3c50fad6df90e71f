"""Mail: building a standards-conforming message and handing it to SMTP or the outbox.

``build_message`` uses ``email.message.EmailMessage`` with the default policy, which
refuses CR/LF inside header values; on top of that every header value is flattened to
one line first, so no field (a name, a subject part) can add a header. Mailers raise
``DeliveryError`` when the message was not accepted, and nothing else: any other
exception means "unknown" and the caller must not assume either outcome.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from abc import ABC, abstractmethod
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from pathlib import Path

from alerts.render import RenderedDigest
from policywatch.errors import DeliveryError

log = logging.getLogger(__name__)
TLS_MODES = ("none", "starttls", "ssl")


def one_line(value: str) -> str:
    """A header value on one line: CR, LF and other whitespace runs become one space."""
    return " ".join(value.split())


def address_of(header: str) -> str:
    """The bare address in a From-style header ("Name <a@b>" -> "a@b")."""
    return parseaddr(header)[1]


def domain_of(header: str) -> str:
    return address_of(header).rpartition("@")[2] or "localhost"


def build_message(rendered: RenderedDigest, *, to_name: str, to_email: str, sender: str, reply_to: str,
                  message_id: str, date: datetime, unsubscribe_url: str, unsubscribe_mailto: str) -> EmailMessage:
    message = EmailMessage(policy=default_policy)
    message["Subject"] = one_line(rendered.subject)
    message["From"] = one_line(sender)
    message["To"] = Address(display_name=one_line(to_name), addr_spec=one_line(to_email))
    if reply_to:
        message["Reply-To"] = one_line(reply_to)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{one_line(unsubscribe_url)}>, <{one_line(unsubscribe_mailto)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return message


class Mailer(ABC):
    @abstractmethod
    def send(self, message: EmailMessage) -> None:
        """Hand the message over; raise DeliveryError if it was not accepted."""


class SmtpMailer(Mailer):
    def __init__(self, host: str, port: int, tls: str = "starttls", user: str = "", password: str = "",
                 timeout_s: float = 30.0) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"SMTP TLS mode {tls!r} is not one of {', '.join(TLS_MODES)}")
        self.host, self.port, self.tls = host, port, tls
        self._user, self._password, self._timeout = user, password, timeout_s

    def send(self, message: EmailMessage) -> None:
        try:
            if self.tls == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self._timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self._timeout)
            with client:
                if self.tls == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self._user:
                    client.login(self._user, self._password)
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port} did not accept the message: "
                                f"{type(exc).__name__}: {exc}") from exc
        if refused:
            raise DeliveryError(f"SMTP {self.host}:{self.port} refused recipients {sorted(refused)}")


class OutboxMailer(Mailer):
    """Writes each message to DIRECTORY/<message-id>.eml (local mode without SMTP).
    Writing the same Message-ID again keeps the first file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in message["Message-ID"].strip("<>"))
        target = self.directory / f"{name}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if target.exists():
                return
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(message.as_bytes())
            os.replace(temporary, target)
        except OSError as exc:
            raise DeliveryError(f"cannot write {target}: {exc}") from exc
        log.info("digest written to outbox", extra={"path": str(target)})
