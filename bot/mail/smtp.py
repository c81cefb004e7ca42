"""Email sent through any SMTP relay: the relay's URL, the messages, and the sending.

Sending raises what aiosmtplib raises, so the caller's retries decide what happens
next; `is_refused` tells them apart: a refusal comes back the same however often the
message is sent, while a 4xx reply, a dropped connection or a timeout may pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default
from email.utils import formatdate, getaddresses, make_msgid
from urllib.parse import unquote, urlsplit

import aiosmtplib

# Ports when the URL names none: the submission port, where the connection turns to TLS
# by STARTTLS, and the port for TLS from the first byte.
SMTP_PORT = 587
SMTPS_PORT = 465


@dataclass(frozen=True)
class SmtpTarget:
    """Where mail goes and how to log in there; the password is left out of its repr."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    implicit_tls: bool


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:password@host:port` (STARTTLS whenever the server offers it; port 587
    unless given) or `smtps://...` (TLS from the start; port 465 unless given). The user
    and password are percent-decoded, so `p%40ss` is `p@ss`. No message repeats the URL,
    as it may carry the password."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ValueError("an SMTP URL starts with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("the SMTP URL names no host")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ValueError("an SMTP URL has nothing after the host and port")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the SMTP URL's port is not a port number") from None
    implicit_tls = parts.scheme == "smtps"
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise ValueError("the SMTP URL has a user name or a password without the other")
    return SmtpTarget(
        host=parts.hostname,
        port=port or (SMTPS_PORT if implicit_tls else SMTP_PORT),
        username=username,
        password=password,
        implicit_tls=implicit_tls,
    )


def is_refused(error: BaseException) -> bool:
    """Whether `error`, raised by sending, is the server's final no: a 5xx reply, or every
    recipient refused with one. A 4xx reply, a connection that failed or dropped, a
    timeout or anything else may pass, and is worth another try later."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            is_refused(recipient) for recipient in error.recipients
        )
    return isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600


def compose(*, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    """A message to one address: the plain text, and the HTML as its alternative when
    given. `to` must be a bare address (`name@example.org`) and neither it nor the
    subject may hold a line break: either would let a person who typed it add headers or
    recipients, so each raises ValueError instead."""
    if _has_line_break(subject):
        raise ValueError("the subject has a line break in it")
    message = EmailMessage(policy=default)
    message["To"] = _single_address(to)
    message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class Mailer:
    """Sends messages from one sender through the relay at `smtp_url`."""

    def __init__(self, smtp_url: str, *, sender: str, timeout: float = 30) -> None:
        self.target = parse_smtp_url(smtp_url)
        self.sender = _sender(sender)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Mailer({self.target!r}, sender={str(self.sender)!r})"

    async def send(self, message: EmailMessage) -> None:
        """Send `message` from the sender, setting its From, and its Date and Message-ID
        unless it has them (a message sent again keeps its Message-ID, so a mailbox that
        gets both can tell). Raises what aiosmtplib raises: see `is_refused`."""
        del message["From"]
        message["From"] = self.sender
        if "Date" not in message:
            message["Date"] = formatdate(localtime=True)
        if "Message-ID" not in message:
            message["Message-ID"] = make_msgid(domain=self.sender.domain)
        await aiosmtplib.send(
            message,
            hostname=self.target.host,
            port=self.target.port,
            username=self.target.username,
            password=self.target.password,
            use_tls=self.target.implicit_tls,
            timeout=self.timeout,
        )


def _has_line_break(value: str) -> bool:
    # Any character Python breaks lines at, not only CR and LF.
    return "".join(value.splitlines()) != value


def _single_address(value: str) -> Address:
    """`value` as one bare address, exactly as written, or ValueError."""
    if _has_line_break(value):
        raise ValueError("the address has a line break in it")
    try:
        address = Address(addr_spec=value)
    except (ValueError, HeaderParseError, IndexError):
        raise ValueError(f"not one email address: {value!r}") from None
    if address.addr_spec != value or value.count("@") != 1 or "," in value:
        raise ValueError(f"not one email address: {value!r}")
    return address


def _sender(value: str) -> Address:
    """`Name <address>` or a bare address, as one Address, or ValueError."""
    if _has_line_break(value):
        raise ValueError("the sender has a line break in it")
    pairs = getaddresses([value])
    if len(pairs) != 1:
        raise ValueError(f"not one sender: {value!r}")
    name, address = pairs[0]
    return Address(display_name=name, addr_spec=_single_address(address).addr_spec)
