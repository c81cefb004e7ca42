"""Which language a public page speaks, found once for each request: the one its
`?lang=` names (es, en, español...), else the one the browser's Accept-Language asks
for first of ours, else English. The page's handler runs inside `speaking` it, so
everything it says is said in it; a page chosen by `?lang=` keeps it in every link and
form it has, so a visitor who chose stays in their language from page to page.

Slack's endpoint, /healthz and the static files are no page: they are left alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from markupsafe import Markup, escape

from bot.rules.language import Language, named, of_accept_language, speaking
from bot.rules.public_page import LANGUAGE_QUERY, in_language

# Where the request keeps its language, and whether `?lang=` chose it.
LANGUAGE = web.RequestKey("language", Language)
CHOSEN = web.RequestKey("language_chosen", bool)
# The routes that serve no page of ours.
NOT_PAGES = frozenset({"static"})
# A form's POST answered with its page: the language link goes to the page it was on.
GET_PAGE_OF = {"withdraw": "/withdraw"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_page(request: web.Request) -> bool:
    name = request.match_info.route.name
    return name is not None and name not in NOT_PAGES


@web.middleware
async def page_language(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer each page in its visitor's language (see the module's docstring)."""
    if not is_page(request):
        return await handler(request)
    chosen = named(request.query.get(LANGUAGE_QUERY))
    language = (
        chosen or of_accept_language(request.headers.get("Accept-Language")) or Language.ENGLISH
    )
    request[LANGUAGE] = language
    request[CHOSEN] = chosen is not None
    with speaking(language):
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _vary(error, chosen)
            raise
    _vary(response, chosen)
    return response


def _vary(response: web.StreamResponse, chosen: Language | None) -> None:
    """A page the browser's Accept-Language chose (or would have) says so to caches."""
    if chosen is None:
        response.headers.add("Vary", "Accept-Language")


def language_of(request: web.Request) -> Language:
    language: Language = request.get(LANGUAGE, Language.ENGLISH)
    return language


def linked(request: web.Request, url: str) -> str:
    """`url`, a link to another of our pages, carrying the language `?lang=` chose."""
    if not request.get(CHOSEN, False):
        return url
    return in_language(url, language_of(request))


def page_path(request: web.Request) -> str:
    """The path of the page the visitor is on: a form's, for the page answering it."""
    path = request.rel_url.raw_path
    suffix = GET_PAGE_OF.get(request.match_info.route.name or "")
    return path.removesuffix(suffix) if suffix else path


def language_links(path: str, shown: Language) -> list[tuple[Language, str]]:
    """The page at `path` in each other language, and its address."""
    return [
        (language, in_language(path, language)) for language in Language if language is not shown
    ]


async def page_context(request: web.Request) -> dict[str, Any]:
    """What every page's template knows of its language: `language`, `page_path` (the
    page's, which its forms post to), `language_links` (this page in the others),
    `linked` (a link that keeps the language chosen) and `text_of` (a letter's text in
    it)."""
    if not is_page(request):
        return {}
    language = language_of(request)
    path = page_path(request)
    return {
        "language": language,
        "page_path": path,
        "language_links": language_links(path, language),
        "linked": lambda url: linked(request, url),
        "text_of": lambda letter: letter.text_in(language),
    }


def html_phrase(phrase: str, **values: Any) -> Markup:
    """A translated phrase, escaped, with markup of ours (a link, a `<strong>`) in its
    placeholders: each value is escaped unless it is Markup already."""
    return escape(phrase).format(**values)


def strong(text: str) -> Markup:
    return Markup("<strong>{}</strong>").format(text)


def link(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)
