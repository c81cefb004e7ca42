"""The public pages on an aiohttp application: their routes, templates (autoescaped,
their phrases through `bot.rules.language`), static files, security headers, and the
language each page speaks."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.rules.language import gettext, ngettext, number
from bot.services.answers import Answers
from bot.services.web_signons import WebSignOns
from bot.settings import Settings
from bot.web.answers import AnswerPages
from bot.web.language import html_phrase, link, page_context, page_language, strong
from bot.web.pages import Pages
from bot.web.security import headers_middleware

STATIC = Path(__file__).with_name("static")


def add_public_pages(
    web_app: web.Application, web_signons: WebSignOns, answers: Answers, settings: Settings
) -> None:
    """The letter pages, the pages a web signer's links open, the public lists, and
    the page where a roster contact answers whether their organization signed."""
    environment = aiohttp_jinja2.setup(
        web_app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        context_processors=[aiohttp_jinja2.request_processor, page_context],
        extensions=["jinja2.ext.i18n"],
    )
    # `_()` and `ngettext()` in the templates say a phrase in the page's language, as a
    # plain string the autoescape escapes.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=False
    )
    environment.globals.update(html_phrase=html_phrase, strong=strong, link=link, number=number)
    # The page's language is found before the templates' context is (which reads it).
    web_app.middlewares.insert(0, page_language)
    pages = Pages(
        web_signons,
        proxy_hops=settings.proxy_hops,
        secure_cookies=(settings.public_url or "").startswith("https://"),
        zone=settings.timezone,
    )
    web_app.router.add_routes(pages.routes())
    web_app.router.add_routes(AnswerPages(pages, answers, web_signons.question_of).routes())
    web_app.router.add_static("/static", STATIC, name="static", append_version=False)
    web_app.middlewares.append(headers_middleware(frame_ancestors=settings.frame_ancestors))
