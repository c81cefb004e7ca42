"""The public pages' handlers: each reads the request, calls `WebSignOns`, and renders
a template, in the language the request speaks (`bot.web.language`), with the letter's
text in it when its organizers wrote one. GETs change nothing (mail scanners open
links); every change is a POST carrying a CSRF token bound to the visitor's cookie,
counted against the rate limits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from babel.dates import format_datetime
from markupsafe import Markup, escape

from bot.rules.language import N_, Language, current
from bot.rules.language import gettext as _
from bot.rules.letter_text import first_lines
from bot.rules.letters import Letter
from bot.rules.problems import FormErrors, LetterGone, NothingToWithdraw, SignOnsClosed
from bot.rules.public_page import in_language
from bot.rules.signons import SignerKind, Submission
from bot.rules.web_form import WebForm, form_of
from bot.services.rate_limits import RateLimited
from bot.services.web_keys import FormToken
from bot.services.web_signons import OwnSignOn, Unconfirmed, WebSignOns
from bot.texts.confirmation_mail import submitted_rows
from bot.texts.letter_html import letter_html
from bot.texts.lists import closing_word, sections
from bot.web.language import language_links, linked, page_path
from bot.web.security import VISITOR_COOKIE, VISITOR_COOKIE_MAX_AGE, visitor_address
from bot.web.words import field_messages, outcome_sentence

logger = logging.getLogger(__name__)

# The hidden field a person never sees or fills in, and a form-filling bot does.
HONEYPOT = "website"
# What a form's fields may hold at most, as sent (the checks then hold each to its own
# limit): a body far over this is no person's sign-on.
FIELD_MAX = 2000


class Pages:
    def __init__(
        self,
        web_signons: WebSignOns,
        *,
        zone: ZoneInfo,
        proxy_hops: int = 0,
        secure_cookies: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._web = web_signons
        self._zone = zone
        self._too_many_pages: dict[tuple[int, bool, Language], str] = {}
        self._proxy_hops = proxy_hops
        self._secure = secure_cookies
        self.clock = clock or (lambda: datetime.now(UTC))

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/l/{token}", self.letter_page, name="letter"),
            web.post("/l/{token}", self.sign, name="sign"),
            web.get("/l/{token}/sent", self.sent, name="sent"),
            web.get("/l/{token}/signers", self.signers, name="signers"),
            web.get("/l/{token}/embed", self.embed, name="embed"),
            web.get("/confirm/{token}", self.confirm_page, name="confirm"),
            web.post("/confirm/{token}", self.confirm, name="confirm_post"),
            web.get("/manage/{token}", self.manage_page, name="manage"),
            web.post("/manage/{token}", self.correct, name="correct"),
            web.post("/manage/{token}/withdraw", self.withdraw, name="withdraw"),
        ]

    # A letter's page

    async def letter_page(self, request: web.Request) -> web.StreamResponse:
        letter = await self._letter(request)
        return await self._letter_form(request, letter, WebForm(), errors={})

    async def sign(self, request: web.Request) -> web.StreamResponse:
        now = self.clock()
        # The limits first: a flood turned away costs no read of the letter or the form.
        data = await self.checked_post(request, now=now, signing=True)
        letter = await self._letter(request)
        form = _web_form(data)
        problem = self.token_problem(request, data, now=now, filled=True)
        if problem is not None:
            return await self._letter_form(
                request, letter, form, errors={}, notice=_(TOKEN_NOTICES[problem]), status=400
            )
        if data.get(HONEYPOT):
            # A bot filled in what people can't see: it is told what a person would be,
            # and nothing is kept or sent.
            logger.info("A sign-on with the hidden field filled in was dropped")
            raise web.HTTPSeeOther(_sent_page(request, letter))
        try:
            await self._web.submit(
                letter, form, address=visitor_address(request, proxy_hops=self._proxy_hops), now=now
            )
        except FormErrors as problems:
            return await self._letter_form(
                request, letter, form, errors=field_messages(problems), status=400
            )
        except SignOnsClosed:
            return await self._letter_form(request, letter, form, errors={}, status=409)
        except RateLimited as limited:
            raise self._too_many(
                request, limited.retry_after, waiting=isinstance(limited, Unconfirmed)
            ) from None
        raise web.HTTPSeeOther(_sent_page(request, letter))

    async def sent(self, request: web.Request) -> web.StreamResponse:
        letter = await self._letter(request)
        return self.render(request, "sent.html", {"letter": letter})

    async def signers(self, request: web.Request) -> web.StreamResponse:
        return await self._list(request, "signers.html")

    async def embed(self, request: web.Request) -> web.StreamResponse:
        return await self._list(request, "embed.html")

    async def _list(self, request: web.Request, template: str) -> web.StreamResponse:
        letter = await self._letter(request)
        listed = await self._web.public_signers(letter)
        return self.render(
            request,
            template,
            {
                "letter": letter,
                "headline": await self._web.headline(letter),
                "closing": closing_word(letter.text_in(current()).body, letter.list_style),
                "sections": sections(listed, letter.list_style),
                "page_url": self._web.pages.letter_url(letter),
            },
        )

    # A web signer's links

    async def confirm_page(
        self, request: web.Request, *, notice: str | None = None, status: int = 200
    ) -> web.StreamResponse:
        """Shows the sign-on and a Confirm button; opening it changes nothing."""
        try:
            web_signon, letter = await self._web.pending(request.match_info["token"])
        except LetterGone:
            return self.gone(request)
        context = {
            "letter": letter,
            "opening": first_lines(letter.text_in(current()).body),
            "web_signon": web_signon,
            "rows": submitted_rows(web_signon.submission),
            "outcome": (
                outcome_sentence(web_signon, waiting=await self._web.waits(web_signon))
                if web_signon.outcome
                else None
            ),
            "manage_url": self._web.links(web_signon)[1],
            "notice": notice,
        }
        return self.render(request, "confirm.html", context, form=True, private=True, status=status)

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        now = self.clock()
        data = await self.checked_post(request, now=now)
        problem = self.token_problem(request, data, now=now, filled=True)
        if problem is not None:
            # Mail scanners that submit forms do so the moment the page loads: a
            # person has read it first.
            notice = _CONFIRM_AGAIN if problem == FormToken.TOO_SOON else TOKEN_NOTICES[problem]
            return await self.confirm_page(request, notice=_(notice), status=400)
        try:
            web_signon, letter = await self._web.confirm(request.match_info["token"], now=now)
        except LetterGone:
            return self.gone(request)
        except SignOnsClosed as closed:
            return self._closed(request, closed.letter)
        context = {
            "letter": letter,
            "web_signon": web_signon,
            "rows": submitted_rows(web_signon.submission),
            "outcome": outcome_sentence(web_signon, waiting=await self._web.waits(web_signon)),
            "manage_url": self._web.links(web_signon)[1],
            "headline": await self._web.headline(letter),
        }
        return self.render(request, "confirmed.html", context, private=True)

    async def manage_page(
        self,
        request: web.Request,
        *,
        form: WebForm | None = None,
        errors: dict[str, str] | None = None,
        notice: str | None = None,
        status: int = 200,
    ) -> web.StreamResponse:
        try:
            own = await self._web.own(request.match_info["token"])
        except LetterGone:
            return self.gone(request)
        entry = own.entry
        shown = form or form_of(own.web_signon.submission if entry is None else _as_signed(own))
        context = {
            "letter": own.letter,
            "own": own,
            "form": shown,
            "errors": errors or {},
            "notice": notice,
            "keeper": entry.keeper if entry else False,
            "rows": submitted_rows(own.web_signon.submission),
        }
        return self.render(request, "manage.html", context, form=True, private=True, status=status)

    async def correct(self, request: web.Request) -> web.StreamResponse:
        now = self.clock()
        data = await self.checked_post(request, now=now)
        form = _web_form(data)
        problem = self.token_problem(request, data, now=now)
        if problem is not None:
            return await self.manage_page(
                request, form=form, notice=_(TOKEN_NOTICES[problem]), status=400
            )
        try:
            await self._web.correct(request.match_info["token"], form, now=now)
        except LetterGone:
            return self.gone(request)
        except SignOnsClosed as closed:
            return self._closed(request, closed.letter)
        except NothingToWithdraw:
            return await self.manage_page(
                request, notice=_("This sign-on was withdrawn, so there is nothing to correct.")
            )
        except FormErrors as problems:
            return await self.manage_page(
                request, form=form, errors=field_messages(problems), status=400
            )
        return await self.manage_page(request, notice=_("Saved. This is your sign-on now."))

    async def withdraw(self, request: web.Request) -> web.StreamResponse:
        now = self.clock()
        data = await self.checked_post(request, now=now)
        problem = self.token_problem(request, data, now=now)
        if problem is not None:
            return await self.manage_page(request, notice=_(TOKEN_NOTICES[problem]), status=400)
        try:
            names = await self._web.withdraw(request.match_info["token"], now=now)
        except LetterGone:
            return self.gone(request)
        except NothingToWithdraw:
            return await self.manage_page(request, notice=_("This sign-on is not counted now."))
        except SignOnsClosed as closed:
            return self._closed(request, closed.letter)
        withdrawn = ", ".join(names)
        return await self.manage_page(
            request,
            notice=_(
                "Withdrawn: {names} no longer counts. It is kept in the organizers' record."
            ).format(names=withdrawn),
        )

    # Shared

    async def _letter(self, request: web.Request) -> Letter:
        try:
            return await self._web.letter(request.match_info["token"])
        except LetterGone:
            raise self._not_found(request) from None

    async def _letter_form(
        self,
        request: web.Request,
        letter: Letter,
        form: WebForm,
        *,
        errors: dict[str, str],
        notice: str | None = None,
        status: int = 200,
    ) -> web.StreamResponse:
        text = letter.text_in(current())
        translation = letter.translation(text.language)
        context = {
            "letter": letter,
            "deadline": Markup('<time datetime="{}">{}</time>').format(
                letter.deadline.isoformat(), _when(letter.deadline.astimezone(self._zone))
            ),
            "text": text,
            "body": letter_html(text.body),
            # The letter's other texts, each offered in its own language.
            "other_texts": _other_texts(request, letter, text.language),
            "older": translation is not None and translation.of_version < letter.version,
            "headline": await self._web.headline(letter),
            "form": form,
            "errors": errors,
            "notice": notice,
            "individual": form.kind == SignerKind.INDIVIDUAL,
            "signers_url": self._web.pages.signers_url(letter),
        }
        return self.render(request, "letter.html", context, form=letter.is_open, status=status)

    async def checked_post(
        self, request: web.Request, *, now: datetime, signing: bool = False
    ) -> dict[str, str]:
        """The form's fields, once the visitor is within their rate limits."""
        try:
            await self._web.spend_visit(
                visitor_address(request, proxy_hops=self._proxy_hops), now=now, signing=signing
            )
        except RateLimited as limited:
            raise self._too_many(
                request, limited.retry_after, waiting=isinstance(limited, Unconfirmed)
            ) from None
        posted = await request.post()
        return {name: value[:FIELD_MAX] for name, value in posted.items() if isinstance(value, str)}

    def token_problem(
        self, request: web.Request, data: dict[str, str], *, now: datetime, filled: bool = False
    ) -> str | None:
        """Why the form's CSRF token is refused, if it is. Only a form people fill in
        (`filled`) is held to the least time a person takes; a button may be pressed
        at once."""
        visitor = request.cookies.get(VISITOR_COOKIE, "")
        problem = self._web.keys.check_form_token(visitor, data.get("csrf", ""), now=now)
        return None if problem == FormToken.TOO_SOON and not filled else problem

    def render(
        self,
        request: web.Request,
        template: str,
        context: dict[str, Any],
        *,
        form: bool = False,
        private: bool = False,
        status: int = 200,
    ) -> web.Response:
        visitor = request.cookies.get(VISITOR_COOKIE) or self._web.keys.new_visitor()
        if form:
            context["csrf"] = self._web.keys.form_token(visitor, now=self.clock())
        response = aiohttp_jinja2.render_template(template, request, context, status=status)
        if form and VISITOR_COOKIE not in request.cookies:
            response.set_cookie(
                VISITOR_COOKIE,
                visitor,
                max_age=VISITOR_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=self._secure,
                path="/",
            )
        if private:
            # A page reached by a private link is nobody else's to keep.
            response.headers["Cache-Control"] = "no-store"
        return response

    def gone(self, request: web.Request) -> web.Response:
        return aiohttp_jinja2.render_template("gone.html", request, {}, status=404)

    def _not_found(self, request: web.Request) -> web.HTTPNotFound:
        response = aiohttp_jinja2.render_template("gone.html", request, {})
        return web.HTTPNotFound(text=response.text, content_type="text/html")

    def _closed(self, request: web.Request, letter: Letter) -> web.Response:
        return aiohttp_jinja2.render_template(
            "closed.html", request, {"letter": letter}, status=409
        )

    def _too_many(
        self, request: web.Request, retry_after: int, *, waiting: bool = False
    ) -> web.HTTPTooManyRequests:
        """429, saying when to try again (and, when sign-ons from the same connection
        wait to be confirmed, that confirming them is the way on)."""
        minutes = max(1, round(retry_after / 60))
        key = (minutes, waiting, current())
        text = self._too_many_pages.get(key)
        if text is None:
            # The same few pages, answered to every request of a flood: made once, in
            # each language, the path of the page it was sent from filled in after.
            context = {
                "minutes": minutes,
                "waiting": waiting,
                "language_links": language_links(_PAGE_PATH, current()),
            }
            text = aiohttp_jinja2.render_template("too_many.html", request, context).text
            assert text is not None
            self._too_many_pages[key] = text
        return web.HTTPTooManyRequests(
            text=text.replace(_PAGE_PATH, escape(page_path(request))),
            content_type="text/html",
            headers={"Retry-After": str(retry_after)},
        )


# Why a form's token was refused, as the page says it (translated where it is said).
TOKEN_NOTICES = {
    FormToken.EXPIRED: N_("This form was open for a long time. Please check it and send it again."),
    FormToken.TOO_SOON: N_("Please check what you filled in, then send it again."),
    FormToken.FORGED: N_(
        "This form couldn't be checked (it may have come from another site, or cookies "
        "are off). Please check it and send it again."
    ),
}


_CONFIRM_AGAIN = N_("Please check the details, then press Confirm again.")

# What stands for the page's path in a page made once for many (`_too_many`).
_PAGE_PATH = "/page-path-here"

# A letter's deadline in full, as each language writes it, before its zone's name:
# "Monday, November 23, 2026, 5:00 PM EST", "lunes 23 de noviembre de 2026, 17:00 EST".
_DEADLINE = {
    Language.ENGLISH: "EEEE, MMMM d, y, h:mm a",
    Language.SPANISH: "EEEE d 'de' MMMM 'de' y, H:mm",
}


def _when(moment: datetime) -> str:
    """ "Monday, November 23, 2026, 5:00 PM EST", in the reader's language."""
    language = current()
    written = format_datetime(moment, _DEADLINE[language], locale=language.value)
    return f"{written} {moment:%Z}"


def _other_texts(
    request: web.Request, letter: Letter, shown: Language
) -> list[tuple[Language, str, str]]:
    """The letter's texts in languages other than the one shown: each one's language,
    the page showing it, and the link's words in that language."""
    others = []
    for language in Language:
        if language is shown or letter.text_in(language).language is not language:
            continue
        others.append((language, in_language(page_path(request), language), language.read_it_in))
    return others


def _sent_page(request: web.Request, letter: Letter) -> str:
    """Where a sign-on sent from the letter's page goes: "check your email"."""
    return linked(request, str(request.app.router["sent"].url_for(token=letter.public_token)))


def _web_form(data: dict[str, str]) -> WebForm:
    return WebForm(
        kind=data.get("kind", SignerKind.ORGANIZATION.value),
        organization=data.get("organization", ""),
        person=data.get("person", ""),
        title=data.get("title", ""),
        city=data.get("city", ""),
        state=data.get("state", ""),
        email=data.get("email", ""),
        public=data.get("public") == "yes",
        may_contact=data.get("may_contact") == "yes",
    )


def _as_signed(own: OwnSignOn) -> Submission:
    """The submission as the entry now stands, for the correction form."""
    entry = own.entry
    submission = own.web_signon.submission
    if entry is None:
        return submission
    contact = entry.contact
    return replace(
        submission,
        name=entry.signer.name if entry.keeper else submission.name,
        city=entry.signer.city,
        state=entry.signer.state,
        public=entry.signer.public,
        person_name=contact.person_name if contact else submission.person_name,
        title=contact.title if contact else submission.title,
    )
