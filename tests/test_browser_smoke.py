"""The browser tests' machinery on a tiny page of our own: a real Chromium with its
JavaScript off at a phone's width, nothing fetched from another host, axe-core's check,
and a screenshot. Each check is also shown failing on a page that deserves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser import Browsing


FORM = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign the letter</title>
  <link rel="stylesheet" href="/style.css">
</head>
<body>
  <main>
    <h1>Sign the letter</h1>
    <p id="script">JavaScript is off</p>
    <script>document.getElementById("script").textContent = "JavaScript ran";</script>
    <form method="post" action="/">
      <label for="organization">Organization</label>
      <input id="organization" name="organization" autocomplete="organization">
      <button type="submit">Sign</button>
    </form>
  </main>
</body>
</html>
"""
STYLE = """
body { font: 1rem/1.5 sans-serif; margin: 1rem; }
input { box-sizing: border-box; width: 100%; }
"""
# The same page gone wrong: a picture from another host, and an input with no label.
CARELESS = FORM.replace(
    '<label for="organization">Organization</label>',
    '<img src="https://cdn.example.com/logo.png" alt="Logo">',
)


async def form(request: web.Request) -> web.Response:
    return web.Response(text=FORM, content_type="text/html")


async def careless(request: web.Request) -> web.Response:
    return web.Response(text=CARELESS, content_type="text/html")


async def style(request: web.Request) -> web.Response:
    return web.Response(text=STYLE, content_type="text/css")


async def signed(request: web.Request) -> web.Response:
    organization = (await request.post()).get("organization")
    assert isinstance(organization, str)
    return web.Response(
        text=f'<!doctype html><html lang="en"><title>Signed</title><p>Signed by {organization}',
        content_type="text/html",
    )


@pytest.fixture
async def site() -> AsyncIterator[TestServer]:
    app = web.Application()
    app.router.add_get("/", form)
    app.router.add_post("/", signed)
    app.router.add_get("/careless", careless)
    app.router.add_get("/style.css", style)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_a_page_read_on_a_phone_without_javascript(
    site: TestServer, browsing: Browsing, tmp_path: Path
) -> None:
    """The form at 375 pixels with JavaScript off: its script doesn't run, it fits the
    screen, loads nothing from elsewhere, passes axe's check, and submits."""
    page = await browsing.open(javascript=False, phone=True)
    await page.goto(str(site.make_url("/")))

    assert await page.text_content("#script") == "JavaScript is off"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    assert browsing.offsite == []
    violations = await browsing.accessibility_violations(page)
    assert violations == [], "\n".join(map(str, violations))
    screenshot = tmp_path / "form.png"
    await page.screenshot(path=screenshot, full_page=True)
    assert int.from_bytes(screenshot.read_bytes()[16:20], "big") == 375  # the PNG's width

    await page.get_by_label("Organization").fill("Friends of the Earth")
    await page.get_by_role("button", name="Sign").click()
    assert await page.text_content("p") == "Signed by Friends of the Earth"


async def test_a_page_with_javascript_runs_it(site: TestServer, page: Page) -> None:
    await page.goto(str(site.make_url("/")))
    assert await page.text_content("#script") == "JavaScript ran"


async def test_a_request_to_another_host_is_refused_and_listed(
    site: TestServer, browsing: Browsing
) -> None:
    page = await browsing.open(javascript=False)
    await page.goto(str(site.make_url("/careless")))
    assert browsing.offsite == ["https://cdn.example.com/logo.png"]


async def test_an_input_without_a_label_is_a_violation(
    site: TestServer, browsing: Browsing
) -> None:
    page = await browsing.open(javascript=False)
    await page.goto(str(site.make_url("/careless")))
    violations = await browsing.accessibility_violations(page)
    assert [(violation.rule, violation.impact) for violation in violations] == [
        ("label", "critical")
    ]
    assert violations[0].targets == ["#organization"]
