"""A real headless Chromium for tests of the web pages, driven through Playwright.

The browser is Debian's chromium at /usr/bin/chromium (`make test` installs it when it
is missing; Playwright's own download needs hosts a CI machine may not reach). Without
it the browser tests skip, saying so.

Each test gets a browser of its own: launching costs about half a second, and a browser
shared by the session would have to live on the session's event loop, with the test and
every fixture it uses (the app's server among them), while the suite's loop is each
test's own.

Every page a test opens may load from this machine only: any request to another host is
refused and listed, so a test can assert that a page loads nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    ViewportSize,
    async_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: `make chromium` installs Debian's chromium package "
    "(as root, or with sudo)"
)
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"]
# A phone held upright: an iPhone X's screen in CSS pixels.
PHONE: ViewportSize = {"width": 375, "height": 812}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Addresses that name no host, so fetch nothing from anywhere.
HOSTLESS_SCHEMES = {"about", "blob", "data"}
# The axe impacts a page must not have; "minor" and "moderate" are left to judgement.
BLOCKING_IMPACTS = {"serious", "critical"}
NO_SCRIPTS = {"Content-Security-Policy": "script-src 'none'"}


@dataclass(frozen=True)
class Violation:
    """One accessibility rule a page breaks, and where."""

    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help}, at {', '.join(self.targets)}"


async def accessibility_violations(page: Page) -> list[Violation]:
    """The serious and critical violations axe-core finds on the page as it is now.

    axe-core is JavaScript, and a page with JavaScript off can't run it, so it runs on a
    copy: the page's document as it stands, served again at its address to a context
    with JavaScript on and the page's viewport, its stylesheets and images loaded as
    before, its own scripts refused (they have run or not, and the copy shows which).
    What a `<noscript>` holds is not checked."""
    browser = page.context.browser
    assert browser is not None, "the page is in a browser's context"
    address = urldefrag(page.url).url
    document = await page.content()
    context = await browser.new_context(viewport=page.viewport_size)
    try:
        await _serve_copy(context, address, document)
        copy = await context.new_page()
        if urlsplit(address).scheme in {"http", "https"}:
            await copy.goto(address)
        else:
            await copy.set_content(document)
        results = await Axe().run(copy)
    finally:
        await context.close()
    return [
        Violation(
            rule=violation["id"],
            impact=violation["impact"],
            help=violation["help"],
            targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
        )
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


async def _serve_copy(context: BrowserContext, address: str, document: str) -> None:
    async def route(route: Route) -> None:
        if route.request.url == address:
            await route.fulfill(body=document, content_type="text/html", headers=NO_SCRIPTS)
        elif is_offsite(route.request.url):
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    await context.route("**/*", route)


def is_offsite(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in HOSTLESS_SCHEMES and parts.hostname not in LOCAL_HOSTS


async def refuse_offsite(context: BrowserContext, refused: list[str]) -> None:
    """Have every page of `context` load from this machine only; each request to another
    host is refused and its URL added to `refused`."""

    async def route(route: Route) -> None:
        url = route.request.url
        if is_offsite(url):
            refused.append(url)
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    await context.route("**/*", route)


class Browsing:
    """A test's pages, each in a fresh context (cookies and storage of its own), and the
    requests to other hosts they were refused, in `offsite`."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.offsite: list[str] = []

    async def open(self, *, javascript: bool = True, phone: bool = False) -> Page:
        """A blank page; with `phone`, 375 by 812 on a touch screen, honouring the page's
        viewport meta tag as a phone does."""
        context = await self.browser.new_context(
            java_script_enabled=javascript,
            viewport=PHONE if phone else None,
            is_mobile=phone,
            has_touch=phone,
        )
        await refuse_offsite(context, self.offsite)
        return await context.new_page()

    async def accessibility_violations(self, page: Page) -> list[Violation]:
        """`accessibility_violations(page)`, for a test that has the fixture at hand."""
        return await accessibility_violations(page)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Chromium's executable; the test skips without it."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Headless Chromium, closed when the test ends."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
def browsing(browser: Browser) -> Browsing:
    """Opens the test's pages; see Browsing."""
    return Browsing(browser)


@pytest.fixture
async def page(browsing: Browsing) -> Page:
    """A blank desktop page with JavaScript on, loading from this machine only."""
    return await browsing.open()
