"""The public page in a real browser (headless Chromium, see tests/browser.py): the
whole flow a signer outside Slack goes through, with JavaScript and without it, on a
desktop and at a phone's width, with axe-core's accessibility check on each page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Page, expect

from bot.rules.signons import SignerKind, Submission
from bot.rules.verification import Ask
from bot.services import web_keys
from bot.settings import Settings
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.browser import Browsing
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, post_letter
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import WebBot, links_in, web_bot


@pytest.fixture
async def bot(
    settings: Settings, store: Store, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[WebBot]:
    # The browser fills the form in faster than a person: the least fill time has its
    # own test (tests/test_web_page.py).
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
    return f"{bot.base}/l/{letter.public_token}"


async def fill_in_and_send(page: Page) -> None:
    await page.get_by_label("An organization").check()
    await page.get_by_label("Organization", exact=True).fill("Poder Latinx")
    await page.get_by_label("Your name").fill("Rosa Díaz")
    await page.get_by_label("Your title").fill("Organizer")
    await page.get_by_label("City").fill("Orlando")
    await page.get_by_label("State").fill("FL")
    await page.get_by_label("Email").fill("rosa@poderlatinx.example.org")
    await page.get_by_label("List our name publicly").check()
    await page.get_by_role("button", name="Sign on").click()


async def no_serious_violations(browsing: Browsing, page: Page) -> None:
    violations = await browsing.accessibility_violations(page)
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize(
    ("javascript", "phone"), [(True, False), (False, True)], ids=["desktop", "phone-no-js"]
)
async def test_a_signer_outside_slack_signs_confirms_and_is_counted(
    browsing: Browsing,
    bot: WebBot,
    page_url: str,
    smtp_server: SmtpServer,
    store: Store,
    fake_slack: FakeSlack,
    javascript: bool,
    phone: bool,
) -> None:
    page = await browsing.open(javascript=javascript, phone=phone)
    await page.goto(page_url)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Protect our communities")
    await expect(page.locator(".count")).to_contain_text("Signed by 0 organizations")
    await no_serious_violations(browsing, page)
    if phone:
        # Nothing is wider than the phone: no sideways scrolling to read or sign.
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
    await fill_in_and_send(page)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    mail = await smtp_server.next(within=10)
    assert mail.recipients == ["rosa@poderlatinx.example.org"]
    links = links_in(mail.message)
    # Opening the emailed link (as a mail scanner would) signs nothing.
    await page.goto(links["confirm"])
    await expect(page.get_by_role("button", name="Confirm")).to_be_visible()
    await no_serious_violations(browsing, page)
    assert await store.signatures.count(1) == 0

    await page.get_by_role("button", name="Confirm").click()
    await expect(page.locator(".outcome")).to_have_text("Signed. You are number 1.")
    assert await store.signatures.count(1) == 1

    await page.goto(page_url)
    await expect(page.locator(".count")).to_contain_text("Signed by 1 organization from 1 state")
    # The letter's post in Slack counts it too.
    await bot.services.live_count.settle()
    await fake_slack.wait_for(
        lambda: any("1" in all_text(m) for m in head_messages(fake_slack, "CCOALITION"))
    )
    await page.goto(links["manage"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your sign-on")
    await no_serious_violations(browsing, page)
    assert browsing.offsite == []


async def test_a_roster_contact_answers_from_a_phone_without_javascript(
    browsing: Browsing,
    bot: WebBot,
    page_url: str,
    smtp_server: SmtpServer,
    store: Store,
    tmp_path: Path,
) -> None:
    """The page a roster contact's email links to reads on a phone, without JavaScript,
    and its No button withdraws the entry."""
    contact = "ed@poderlatinx.example.org"
    now = datetime.now(UTC)
    roster = f"Organization,Email\nPoder Latinx,{contact}\n".encode()
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    submission = Submission(
        kind=SignerKind.ORGANIZATION,
        name="Poder Latinx",
        person_name="Sam Stranger",
        title="Volunteer",
        user_id="USTRANGER",
    )
    letter = await store.letters.get(1)
    assert letter is not None
    await bot.services.signons.sign(None, letter, submission, now=now)
    await bot.services.signons.settle()
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, contact)], now=now)
    bot.scheduler.poke()
    link = links_in((await smtp_server.next(within=10)).message)["answer"]

    page = await browsing.open(javascript=False, phone=True)
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Did Poder Latinx sign?")
    await expect(page.get_by_role("group", name="Did your organization sign?")).to_be_visible()
    await no_serious_violations(browsing, page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.screenshot(path=tmp_path / "answer.png", full_page=True)
    await page.get_by_role("button", name="No, we didn't").click()
    await expect(page.locator(".outcome")).to_contain_text("withdrawn and no longer counts")
    await no_serious_violations(browsing, page)
    assert await store.signatures.count(1) == 0
    assert browsing.offsite == []
