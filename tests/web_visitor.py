"""A person on the public pages, as a browser without JavaScript is: GETs pages, keeps
the cookie, sends forms back with the CSRF token each page carried; and the bot's
HTTP server with the pages on, its emails going to a real SMTP server."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import Services, build_app, build_services, public_pages
from bot.scheduler import Scheduler
from bot.server import build_scheduler, build_web_app
from bot.services.web_signons import SignOnLinks, WebSignOns
from bot.settings import Settings
from bot.storage import Store
from tests.bot_process import free_port
from tests.smtp_server import SmtpServer

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_LINK = re.compile(r"https?://\S+/(confirm|manage|answer)/[\w.-]+")


@dataclass
class Page:
    status: int
    url: str
    text: str
    headers: Any

    @property
    def csrf(self) -> str:
        found = _CSRF.search(self.text)
        assert found, "the page has no form"
        return found.group(1)

    def shows(self, words: str) -> bool:
        """Whether a reader sees `words` on the page (its tags aside)."""
        seen = html.unescape(re.sub(r"<[^>]+>", "", self.text))
        return words in re.sub(r"\s+", " ", seen)


class Visitor:
    """One browser: its own cookies, an address the server sees (X-Forwarded-For, with
    PROXY_HOPS=1 in the settings the harness makes), and the languages it asks for
    (Accept-Language; none when None)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base: str,
        address: str,
        accept_language: str | None = None,
    ) -> None:
        self._session = session
        self.base = base
        self.address = address
        self.accept_language = accept_language

    async def get(self, path: str) -> Page:
        async with self._session.get(self._url(path), headers=self._headers()) as reply:
            return Page(reply.status, str(reply.url), await reply.text(), reply.headers)

    async def post(self, path: str, fields: dict[str, str]) -> Page:
        async with self._session.post(
            self._url(path), data=fields, headers=self._headers(), allow_redirects=True
        ) as reply:
            return Page(reply.status, str(reply.url), await reply.text(), reply.headers)

    async def submit(self, path: str, fields: dict[str, str], *, on: Page | None = None) -> Page:
        """Fill in the form `path` shows (or showed, as `on`) and send it."""
        page = on or await self.get(path)
        return await self.post(path, {"csrf": page.csrf, **fields})

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def _headers(self) -> dict[str, str]:
        headers = {"X-Forwarded-For": self.address}
        if self.accept_language is not None:
            headers["Accept-Language"] = self.accept_language
        return headers


def links_in(message: Any) -> dict[str, str]:
    """The confirm and manage links in an email's plain text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return {found.group(1): found.group(0) for found in _LINK.finditer(text)}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@dataclass
class WebBot:
    services: Services
    web: WebSignOns
    server: TestServer
    scheduler: Scheduler

    @property
    def base(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @asynccontextmanager
    async def visitor(
        self, address: str = "203.0.113.7", *, accept_language: str | None = None
    ) -> AsyncIterator[Visitor]:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            yield Visitor(session, self.base, address, accept_language)


def web_settings(settings: Settings, smtp: SmtpServer, *, port: int, **more: Any) -> Settings:
    """`settings` with the public pages on, at 127.0.0.1:`port`, mailing through `smtp`."""
    return settings.model_copy(
        update={
            "public_url": f"http://127.0.0.1:{port}",
            "smtp_url": SecretStr(smtp.url),
            "mail_from": "Coalition <sign@coalition.example.org>",
            "proxy_hops": 1,
            **more,
        }
    )


@asynccontextmanager
async def web_bot(
    settings: Settings, store: Store, smtp: SmtpServer, **more: Any
) -> AsyncIterator[WebBot]:
    """The bot's HTTP server with the public pages on, PUBLIC_URL its own address."""
    port = free_port()
    settings = web_settings(settings, smtp, port=port, **more)
    links = SignOnLinks(store=store, pages=public_pages(settings))
    await links.prepare()
    scheduler = build_scheduler(settings, store, links=links)
    await scheduler.start()
    services = build_services(settings, store, schedule_changed=scheduler.poke)
    web = WebSignOns(
        store=store,
        signons=services.signons,
        entries=services.entries,
        links=links,
        mail_planned=scheduler.poke,
    )
    app = build_web_app(build_app(services), services, web_signons=web)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    try:
        yield WebBot(services, web, server, scheduler)
    finally:
        await server.close()
        await scheduler.stop()
        await services.settle()
