"""Mail: the relay's URL, messages no one can add a header to, and sending them through a
real SMTP server, with and without a login, refused for good or for now."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from typing import TYPE_CHECKING

import aiosmtplib
import pytest

from bot.mail.smtp import Mailer, SmtpTarget, compose, is_refused, parse_smtp_url

if TYPE_CHECKING:
    from tests.smtp_server import SmtpServer, StartSmtpServer


SENDER = "Undersigned <signons@coalition.example.org>"


def confirmation(to: str = "ada@example.org") -> EmailMessage:
    return compose(
        to=to,
        subject="Confirm your sign-on",
        text="Open this link to confirm: http://127.0.0.1/confirm/abc",
        html='<p><a href="http://127.0.0.1/confirm/abc">Confirm your sign-on</a></p>',
    )


async def test_a_message_arrives_with_its_text_and_its_html(smtp_server: SmtpServer) -> None:
    """What the recipient's mail program gets: from the sender, to them, with the subject,
    a date, a Message-ID of the sender's domain, and both the text and the HTML."""
    await Mailer(smtp_server.url, sender=SENDER).send(confirmation())
    received = await smtp_server.next()
    assert received.sender == "signons@coalition.example.org"
    assert received.recipients == ["ada@example.org"]
    message = received.message
    assert message["From"] == SENDER
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Confirm your sign-on"
    assert message["Date"]
    assert message["Message-ID"].endswith("@coalition.example.org>")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and "confirm/abc" in text.get_content()
    assert html is not None and '<a href="http://127.0.0.1/confirm/abc">' in html.get_content()


async def test_a_message_without_html_is_plain_text(smtp_server: SmtpServer) -> None:
    """No HTML given, no HTML sent: one text/plain part, non-ASCII and all."""
    message = compose(to="ada@example.org", subject="Signé", text="Merci, José", html=None)
    await Mailer(smtp_server.url, sender=SENDER).send(message)
    received = (await smtp_server.next()).message
    assert received.get_content_type() == "text/plain"
    assert received["Subject"] == "Signé"
    assert received.get_content().strip() == "Merci, José"


async def test_a_message_sent_again_keeps_its_message_id(smtp_server: SmtpServer) -> None:
    """A retry is the same message to the recipient's mailbox, with one From."""
    mailer = Mailer(smtp_server.url, sender=SENDER)
    message = confirmation()
    await mailer.send(message)
    await mailer.send(message)
    first, second = (await smtp_server.next()).message, (await smtp_server.next()).message
    assert first["Message-ID"] == second["Message-ID"]
    assert second.get_all("From") == [SENDER]


async def test_the_login_in_the_url_is_used(start_smtp_server: StartSmtpServer) -> None:
    """A relay that requires a login gets the one in the URL, percent-decoded."""
    server = await start_smtp_server(login=("bot@example.org", "p@ss:w/rd%"))
    assert "p%40ss%3Aw%2Frd%25" in server.url
    await Mailer(server.url, sender=SENDER).send(confirmation())
    assert (await server.next()).login == "bot@example.org"


async def test_a_wrong_password_is_refused_for_good(start_smtp_server: StartSmtpServer) -> None:
    """The relay's 535 is a refusal: trying again with the same password won't help."""
    server = await start_smtp_server(login=("bot", "right"))
    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as raised:
        await Mailer(server.url.replace("right", "wrong"), sender=SENDER).send(confirmation())
    assert is_refused(raised.value)
    assert server.received == []


async def test_a_relay_that_requires_a_login_refuses_mail_without_one(
    start_smtp_server: StartSmtpServer,
) -> None:
    server = await start_smtp_server(login=("bot", "right"))
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as raised:
        await Mailer(f"smtp://127.0.0.1:{server.port}", sender=SENDER).send(confirmation())
    assert is_refused(raised.value)
    assert server.received == []


async def test_a_recipient_refused_with_a_5xx_is_refused(
    start_smtp_server: StartSmtpServer,
) -> None:
    """550 No such mailbox: final."""
    server = await start_smtp_server(refuse={"gone@example.org": "550 5.1.1 No such mailbox"})
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as raised:
        await Mailer(server.url, sender=SENDER).send(confirmation("gone@example.org"))
    assert is_refused(raised.value)


async def test_a_recipient_refused_with_a_4xx_may_pass(start_smtp_server: StartSmtpServer) -> None:
    """451 Try again later (greylisting, a full mailbox): worth another try."""
    refused = {"later@example.org": "451 4.7.1 Greylisted, try again later"}
    server = await start_smtp_server(refuse=refused)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as raised:
        await Mailer(server.url, sender=SENDER).send(confirmation("later@example.org"))
    assert not is_refused(raised.value)


async def test_a_relay_that_is_not_there_may_pass() -> None:
    """Nothing listening: a connection error, worth another try."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # held, never listening: connecting is refused
        url = f"smtp://127.0.0.1:{closed.getsockname()[1]}"
        with pytest.raises(aiosmtplib.SMTPConnectError) as raised:
            await Mailer(url, sender=SENDER).send(confirmation())
    assert not is_refused(raised.value)


def test_reply_codes_decide_refusal() -> None:
    assert is_refused(aiosmtplib.SMTPResponseException(554, "Transaction failed"))
    assert not is_refused(aiosmtplib.SMTPResponseException(421, "Service not available"))
    assert not is_refused(aiosmtplib.SMTPServerDisconnected("Connection lost"))
    assert not is_refused(aiosmtplib.SMTPReadTimeoutError("Timed out"))
    assert not is_refused(aiosmtplib.SMTPRecipientsRefused([]))


@pytest.mark.parametrize(
    "subject",
    [
        "Confirm\r\nBcc: everyone@example.org",
        "Confirm\nBcc: everyone@example.org",
        "Confirm\r",
        "Confirm\u2028Bcc: everyone@example.org",
    ],
)
def test_a_subject_with_a_line_break_is_refused(subject: str) -> None:
    """A line break would let whoever wrote the subject add a header."""
    with pytest.raises(ValueError, match="line break"):
        compose(to="ada@example.org", subject=subject, text="Hello", html=None)


@pytest.mark.parametrize(
    "to",
    [
        "ada@example.org, everyone@example.org",
        "ada@example.org;everyone@example.org",
        "ada@example.org\r\nBcc: everyone@example.org",
        "ada@example.org\n",
        "Ada <ada@example.org>",
        "ada(comment)@example.org",
        " ada@example.org",
        "ada@@example.org",
        "ada@example@org",
        "ada.example.org",
        "ada@",
        "@example.org",
        "",
    ],
)
def test_anything_but_one_bare_address_is_refused(to: str) -> None:
    with pytest.raises(ValueError):
        compose(to=to, subject="Confirm", text="Hello", html=None)


def test_a_quoted_local_part_is_one_address() -> None:
    message = compose(to='"ada lovelace"@example.org', subject="Hi", text="Hello", html=None)
    assert message["To"] == '"ada lovelace"@example.org'


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtp://mail.example.org", SmtpTarget("mail.example.org", 587, None, None, False)),
        ("smtp://mail.example.org:25", SmtpTarget("mail.example.org", 25, None, None, False)),
        ("smtps://mail.example.org", SmtpTarget("mail.example.org", 465, None, None, True)),
        (
            "smtps://bot%40example.org:p%40ss%3Aword@mail.example.org:2465/",
            SmtpTarget("mail.example.org", 2465, "bot@example.org", "p@ss:word", True),
        ),
        ("smtp://bot:@127.0.0.1:1025", SmtpTarget("127.0.0.1", 1025, "bot", "", False)),
        ("smtp://[::1]:1025", SmtpTarget("::1", 1025, None, None, False)),
    ],
)
def test_smtp_urls(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.org", "smtp:// or smtps://"),
        ("mail.example.org:25", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://bot:secret@:25", "no host"),
        ("smtp://mail.example.org:smtp", "port"),
        ("smtp://mail.example.org/inbox", "nothing after"),
        ("smtp://mail.example.org?tls=1", "nothing after"),
        ("smtp://bot@mail.example.org", "without the other"),
        ("smtp://:secret@mail.example.org", "without the other"),
    ],
)
def test_smtp_urls_that_are_not(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as raised:
        parse_smtp_url(url)
    assert "secret" not in str(raised.value)


def test_the_password_is_not_shown() -> None:
    """A mailer or its target in a log line or a traceback shows no password."""
    mailer = Mailer("smtp://bot:hunter2@mail.example.org", sender=SENDER)
    assert "hunter2" not in repr(mailer)
    assert "hunter2" not in repr(mailer.target)
    assert "bot" in repr(mailer)


@pytest.mark.parametrize(
    "sender", ["", "a@example.org, b@example.org", "Bot <bot@example.org>\r\nBcc: x@y.org"]
)
def test_a_sender_that_is_not_one_address_is_refused(sender: str) -> None:
    with pytest.raises(ValueError):
        Mailer("smtp://mail.example.org", sender=sender)
