"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, in a thread of its own, so a
test that blocks (or a bot running as a process) still gets its mail delivered.

It keeps what arrives, each message parsed as the recipient's mail program would; it can
require a login, and refuse chosen recipients with a reply of the test's choosing.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, Protocol
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope, who logged in, the message."""

    sender: str
    recipients: list[str]
    login: str | None
    message: EmailMessage


class SmtpServer:
    """Started and stopped with `async with`; `url` is what a Mailer is given.

    `login` (a user name and password) makes the server refuse mail until a client logs
    in with them, over the plain connection; `refuse` maps a recipient address to the
    reply its RCPT gets, such as "550 5.1.1 No such mailbox"."""

    def __init__(
        self,
        *,
        login: tuple[str, str] | None = None,
        refuse: Mapping[str, str] | None = None,
    ) -> None:
        self.login = login
        self.refuse = dict(refuse or {})
        self.received: list[Received] = []
        self.port = 0
        self._taken = 0
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        if self.login is None:
            return f"smtp://{HOST}:{self.port}"
        user, password = (quote(part, safe="") for part in self.login)
        return f"smtp://{user}:{password}@{HOST}:{self.port}"

    async def __aenter__(self) -> SmtpServer:
        self.port = _free_port()
        # Offered over the plain connection: the tests' client is on this machine.
        options: dict[str, Any] = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            self, hostname=HOST, port=self.port, **(options if self.login else {})
        )
        await asyncio.to_thread(self._controller.start)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._controller is not None:
            await asyncio.to_thread(self._controller.stop)

    async def next(self, *, within: float = 5) -> Received:
        """The first message `next` has not returned yet, waiting for it up to `within`
        seconds; TimeoutError if none arrives."""
        deadline = time.monotonic() + within
        while len(self.received) <= self._taken:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no message arrived within {within} seconds")
            await asyncio.sleep(0.01)
        self._taken += 1
        return self.received[self._taken - 1]

    # aiosmtpd's handler hooks, called in the server's thread. Its own `auth_required`
    # would do what handle_MAIL does, with a warning about plain connections each time.

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self.login is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes)
        assert envelope.mail_from is not None
        auth: object = session.auth_data  # what _authenticate gave on success
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        message = message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), login, message))
        return "250 Message accepted for delivery"

    def _authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        given = (
            (auth_data.login.decode(), auth_data.password.decode())
            if isinstance(auth_data, LoginPassword)
            else None
        )
        # handled=False: aiosmtpd answers a failure with 535 only if told it must.
        return AuthResult(success=given == self.login, handled=False, auth_data=auth_data)


def _free_port() -> int:
    # aiosmtpd's controller checks its server by connecting to the port it was given,
    # so it is given a free one rather than 0.
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class StartSmtpServer(Protocol):
    def __call__(
        self, *, login: tuple[str, str] | None = None, refuse: Mapping[str, str] | None = None
    ) -> Awaitable[SmtpServer]: ...


@pytest.fixture
async def start_smtp_server() -> AsyncIterator[StartSmtpServer]:
    """Starts a server with SmtpServer's options; each is stopped when the test ends."""
    async with AsyncExitStack() as servers:

        async def start(
            *, login: tuple[str, str] | None = None, refuse: Mapping[str, str] | None = None
        ) -> SmtpServer:
            return await servers.enter_async_context(SmtpServer(login=login, refuse=refuse))

        yield start


@pytest.fixture
async def smtp_server(start_smtp_server: StartSmtpServer) -> SmtpServer:
    """A server taking any mail, without a login."""
    return await start_smtp_server()
