"""The public sign-on page end to end over HTTP: a letter posted in Slack, signed on
the web, confirmed from a real email, counted as Slack's sign-ons are."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.rules.signons import ContactSource
from bot.settings import Settings
from bot.storage import Store
from tests.fake_slack import FakeSlack
from tests.helpers import coalition, post_letter, signon
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import Page, Visitor, WebBot, links_in, path_of, web_bot

pytest_plugins = ["tests.smtp_server"]

ORG = {
    "kind": "organization",
    "organization": "Florida Immigrant Coalition",
    "person": "Ana Pérez",
    "title": "Director",
    "city": "Miami",
    "state": "FL",
    "email": "ana@floridaimmigrant.example.org",
    "public": "yes",
}


@pytest.fixture
async def bot(
    settings: Settings, store: Store, smtp_server: SmtpServer
) -> AsyncIterator[WebBot]:
    async with web_bot(settings, store, smtp_server) as running:
        yield running


@pytest.fixture
async def slack_here(bot: WebBot, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(session, bot.base + "/slack/events", fake_slack)


@pytest.fixture
async def page_path(slack_here: SlackDriver, fake_slack: FakeSlack, store: Store) -> str:
    coalition(fake_slack)
    await post_letter(slack_here, fake_slack)
    letter = await store.letters.get(1)
    assert letter is not None
    return f"/l/{letter.public_token}"


async def fill_in(visitor: Visitor, path: str, fields: dict[str, str]) -> Page:
    """Open the page, wait as a person would, send the form."""
    page = await visitor.get(path)
    assert page.status == 200, page.text
    return await visitor.post(path, {"csrf": page.csrf, **fields})


@pytest.fixture(autouse=True)
def quick_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """People here fill the form in no time: the least fill time is tested on its own."""
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", web_keys.timedelta(0))


async def test_a_web_sign_on_counts_only_once_confirmed_by_the_button(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    async with bot.visitor() as ana:
        sent = await fill_in(ana, page_path, ORG)
        assert sent.status == 200 and sent.url.endswith("/sent"), sent.text
        assert sent.shows("Check your email")
        mail = await smtp_server.next(within=10)
        assert mail.recipients == [ORG["email"]]
        links = links_in(mail.message)
        assert await store.signatures.count(1) == 0
        # A mail scanner opens the link: nothing is signed.
        scanned = await ana.get(path_of(links["confirm"]))
        assert scanned.status == 200 and scanned.shows("Confirm")
        assert await store.signatures.count(1) == 0
        confirmed = await ana.submit(path_of(links["confirm"]), {}, on=scanned)
        assert confirmed.shows("Signed. You are number 1."), confirmed.text
        assert await store.signatures.count(1) == 1
        (entry,) = await store.signatures.signers(1)
        assert entry.name == "Florida Immigrant Coalition"
        assert entry.contacts[0].source is ContactSource.WEB
        assert entry.contacts[0].email == ORG["email"]
        # Twice changes nothing.
        again = await ana.submit(path_of(links["confirm"]), {}, on=scanned)
        assert again.shows("Signed. You are number 1.")
        assert await store.signatures.count(1) == 1
