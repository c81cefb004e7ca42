"""The public pages on an aiohttp application: their routes, templates (autoescaped),
static files and security headers."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.services.answers import Answers
from bot.services.web_signons import WebSignOns
from bot.settings import Settings
from bot.web.answers import AnswerPages
from bot.web.pages import Pages
from bot.web.security import headers_middleware

STATIC = Path(__file__).with_name("static")


def add_public_pages(
    web_app: web.Application, web_signons: WebSignOns, answers: Answers, settings: Settings
) -> None:
    """The letter pages, the pages a web signer's links open, the public lists, and
    the page where a roster contact answers whether their organization signed."""
    aiohttp_jinja2.setup(
        web_app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        context_processors=[aiohttp_jinja2.request_processor],
    )
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
