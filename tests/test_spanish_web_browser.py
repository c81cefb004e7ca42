"""The public page in Spanish in a real browser (headless Chromium, see tests/browser.py):
a Spanish reader on a phone without JavaScript reads the letter's Spanish text, signs,
confirms and is counted, every page in Spanish and free of serious accessibility
problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from playwright.async_api import Page, expect

from bot.rules.language import Language
from bot.rules.letters import LetterText
from bot.services import web_keys
from bot.settings import Settings
from bot.storage import Store
from tests.browser import Browsing
from tests.fake_slack import FakeSlack
from tests.helpers import as_edit, coalition, post_letter
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import WebBot, links_in, web_bot

PHONE_WIDTH = 375


@pytest.fixture
async def bot(
    settings: Settings, store: Store, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[WebBot]:
    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(0))
    async with web_bot(settings, store, smtp_server) as running:
        yield running


@pytest.fixture
async def page_url(bot: WebBot, fake_slack: FakeSlack, store: Store) -> str:
    coalition(fake_slack)
    async with aiohttp.ClientSession() as session:
        await post_letter(SlackDriver(session, bot.base + "/slack/events", fake_slack), fake_slack)
    letter = await store.letters.get(1)
    assert letter is not None
    spanish = LetterText(
        Language.SPANISH,
        "Protejamos a nuestras comunidades",
        "Secretaria Noem",
        "Estimada Secretaria:\n\nActúe ya.",
    )
    edit = as_edit(letter, translations=(spanish,))
    await store.letters.edit(1, edit, user="UORGANIZER", now=datetime.now(UTC))
    return f"{bot.base}/l/{letter.public_token}"


async def accessible_and_narrow(browsing: Browsing, page: Page) -> None:
    violations = await browsing.accessibility_violations(page)
    assert not violations, "\n".join(map(str, violations))
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


async def test_a_spanish_reader_on_a_phone_signs_and_confirms_in_spanish(
    browsing: Browsing, bot: WebBot, page_url: str, smtp_server: SmtpServer, store: Store
) -> None:
    """Without JavaScript, at a phone's width: the Spanish text, the form in Spanish,
    the sent page, the emailed link and the confirmation all in Spanish."""
    page = await browsing.open(javascript=False, phone=True)
    await page.goto(page_url + "?lang=es")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Protejamos a nuestras comunidades"
    )
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await expect(page.get_by_role("link", name="English", exact=True)).to_have_attribute(
        "hreflang", "en"
    )
    await accessible_and_narrow(browsing, page)
    await page.get_by_label("Una organización").check()
    await page.get_by_label("Organización", exact=True).fill("Poder Latinx")
    await page.get_by_label("Su nombre").fill("Rosa Díaz")
    await page.get_by_label("Correo electrónico").fill("rosa@poderlatinx.example.org")
    await page.get_by_role("button", name="Firmar").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo")
    await accessible_and_narrow(browsing, page)

    mail = await smtp_server.next(within=10)
    assert mail.message["Subject"] == "Confirme su firma: Protejamos a nuestras comunidades"
    await page.goto(links_in(mail.message)["confirm"] + "?lang=es")
    await expect(page.get_by_role("button", name="Confirmar")).to_be_visible()
    await accessible_and_narrow(browsing, page)
    await page.get_by_role("button", name="Confirmar").click()
    await expect(page.locator(".outcome")).to_have_text("Firmado. Usted es el número 1.")
    (entry,) = await store.signatures.signers(1)
    assert entry.read_in is Language.SPANISH
    assert browsing.offsite == []
