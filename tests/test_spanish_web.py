"""The public pages and their emails in Spanish: a page speaks the language its
`?lang=` names, else the one the browser asks for, else English; a visitor who chose
Spanish stays in it from the letter to the withdrawal; the emails about a sign-on speak
the language of the page it was sent from; the letter's Spanish text is shown to
Spanish readers, and each sign-on keeps which text it was shown."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import aiohttp_jinja2
import pytest

from bot.rules.language import Language, speaking
from bot.rules.letters import LetterText
from bot.settings import Settings
from bot.storage import Store
from tests.fake_slack import FakeSlack
from tests.helpers import as_edit, coalition, post_letter
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import Page, Visitor, WebBot, links_in, path_of, web_bot

ORG = {
    "kind": "organization",
    "organization": "Coalición de Inmigrantes de Florida",
    "person": "Ana Pérez",
    "title": "Directora",
    "city": "Miami",
    "state": "FL",
    "email": "ana@floridaimmigrant.example.org",
    "public": "yes",
}
SPANISH_BROWSER = "es-MX,es;q=0.9,en;q=0.5"
SPANISH_TEXT = LetterText(
    Language.SPANISH,
    "Protejamos a nuestras comunidades",
    "Secretaria Noem",
    "Estimada Secretaria:\n\nActúe ya.",
)


def browser(
    bot: WebBot, accept_language: str | None = None, address: str = "203.0.113.9"
) -> AbstractAsyncContextManager[Visitor]:
    """A visitor whose browser asks for `accept_language` (none when None)."""
    return bot.visitor(address, accept_language=accept_language)


@pytest.fixture(autouse=True)
def quick_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """People here fill the form in no time: the least fill time is tested elsewhere."""
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(0))


@pytest.fixture
async def bot(settings: Settings, store: Store, smtp_server: SmtpServer) -> AsyncIterator[WebBot]:
    async with web_bot(settings, store, smtp_server) as running:
        yield running


@pytest.fixture
async def page_path(bot: WebBot, fake_slack: FakeSlack, store: Store) -> str:
    coalition(fake_slack)
    async with aiohttp.ClientSession() as session:
        await post_letter(SlackDriver(session, bot.base + "/slack/events", fake_slack), fake_slack)
    letter = await store.letters.get(1)
    assert letter is not None
    return f"/l/{letter.public_token}"


async def give_spanish_text(store: Store, text: LetterText = SPANISH_TEXT) -> None:
    """The organizers write the letter's Spanish text."""
    letter = await store.letters.get(1)
    assert letter is not None
    edit = as_edit(letter, translations=(text,))
    await store.letters.edit(1, edit, user="UORGANIZER", now=datetime.now(UTC))


def html_lang(page: Page) -> str:
    found = re.search(r'<html lang="([^"]+)"', page.text)
    assert found, "the page has no <html lang>"
    return found.group(1)


def hrefs(page: Page) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', page.text)


def internal_links(page: Page, base: str) -> list[str]:
    """The page's links and form actions to our own pages (the stylesheet aside)."""
    return [
        href
        for href in hrefs(page)
        if (href.startswith("/") or href.startswith(base)) and "/static/" not in href
    ]


def plain_text(mail: Any) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


async def test_a_page_speaks_the_language_its_lang_names(bot: WebBot, page_path: str) -> None:
    """`?lang=es`, or the language's name, makes the page Spanish, whatever the browser."""
    async with browser(bot) as visitor:
        for asked in ("es", "español", "Spanish"):
            page = await visitor.get(f"{page_path}?lang={asked}")
            assert page.status == 200, page.text
            assert html_lang(page) == "es"
            assert page.shows("Firmar esta carta") and page.shows("Las firmas cierran el")
            assert '<button type="submit">Firmar</button>' in page.text
            assert "Accept-Language" not in page.headers.get("Vary", "")


async def test_a_page_follows_the_browsers_language_and_says_it_varies_by_it(
    bot: WebBot, page_path: str
) -> None:
    """A Spanish browser reads Spanish; a French one, or one that asks for nothing,
    English; each page says caches must keep them apart."""
    async with browser(bot, SPANISH_BROWSER) as spanish:
        page = await spanish.get(page_path)
    assert html_lang(page) == "es" and page.shows("Firmar esta carta")
    assert "Accept-Language" in page.headers["Vary"]
    for header in ("fr", "fr-FR,de;q=0.8", None):
        async with browser(bot, header) as other:
            page = await other.get(page_path)
        assert html_lang(page) == "en"
        assert page.shows("Sign this letter") and not page.shows("Firmar esta carta")
        assert "Accept-Language" in page.headers["Vary"]


async def test_lang_en_wins_over_a_spanish_browser(bot: WebBot, page_path: str) -> None:
    """A reader who chose English reads English, whatever their browser asks for."""
    async with browser(bot, SPANISH_BROWSER) as visitor:
        page = await visitor.get(f"{page_path}?lang=en")
        signers = await visitor.get(f"{page_path}/signers?lang=en")
    assert html_lang(page) == "en" and page.shows("Sign this letter")
    assert html_lang(signers) == "en" and signers.shows("Read and sign the letter")


async def test_every_page_links_to_itself_in_the_other_language(
    bot: WebBot, page_path: str
) -> None:
    """The link names the other language in itself, and opens the same page in it."""
    async with browser(bot) as visitor:
        english = await visitor.get(page_path)
        spanish = await visitor.get(f"{page_path}?lang=es")
        listed = await visitor.get(f"{page_path}/signers?lang=es")
        embedded = await visitor.get(f"{page_path}/embed")
        missing = await visitor.get("/l/not-a-letter?lang=es")
    assert f'<a href="{page_path}?lang=es" lang="es" hreflang="es">Español</a>' in english.text, (
        english.text
    )
    assert f'<a href="{page_path}?lang=en" lang="en" hreflang="en">English</a>' in spanish.text
    assert f'href="{page_path}/signers?lang=en"' in listed.text
    assert listed.shows("Leer y firmar la carta")
    assert f'href="{page_path}/embed?lang=es"' in embedded.text
    assert embedded.shows("Español")
    assert missing.status == 404 and missing.shows("Esta página no está aquí")
    assert 'href="/l/not-a-letter?lang=en"' in missing.text


async def test_a_spanish_visitor_stays_in_spanish_from_the_letter_to_the_withdrawal(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """Chosen by `?lang=es`, Spanish holds through a form error, the sent page, the
    confirmation email and its links, the confirm page, the manage page, a correction
    and a withdrawal; every link and form on the way carries the choice."""
    start = f"{page_path}?lang=es"
    async with browser(bot, "en-US,en;q=0.9") as ana:
        page = await ana.get(start)
        assert html_lang(page) == "es"
        assert f'action="{start}"' in page.text
        # A field left empty: the form comes back in Spanish, what was typed kept.
        wrong = await ana.post(start, {"csrf": page.csrf, **ORG, "person": ""})
        assert wrong.status == 400 and html_lang(wrong) == "es"
        assert wrong.shows("Corrija lo que está marcado abajo.")
        assert wrong.shows("Escriba su nombre.")
        assert 'value="Coalición de Inmigrantes de Florida"' in wrong.text
        sent = await ana.post(start, {"csrf": wrong.csrf, **ORG})
        assert sent.url.endswith("/sent?lang=es"), sent.url
        assert sent.shows("Revise su correo") and sent.shows("presione Confirmar")
        mail = (await smtp_server.next(within=10)).message
        assert mail["Subject"] == "Confirme su firma: Protect our communities"
        text = plain_text(mail)
        assert "Usted firmó “Protect our communities” en su página de firmas." in text
        assert "Firma como: una organización" in text and "En la lista pública: sí" in text
        assert "Nombre: Ana Pérez" in text and "Protect our communities" in text
        html = mail.get_body(preferencelist=("html",))
        assert html is not None and "Abrir la página para confirmar" in html.get_content()
        confirm_url = re.search(r"\S+/confirm/\S+", text)
        manage_url = re.search(r"\S+/manage/\S+", text)
        assert confirm_url and confirm_url.group(0).endswith("?lang=es")
        assert manage_url and manage_url.group(0).endswith("?lang=es")
        links = links_in(mail)
        confirm = path_of(confirm_url.group(0))
        shown = await ana.get(confirm)
        assert html_lang(shown) == "es" and shown.shows("Revise lo que envió y confirme.")
        assert shown.shows("Lo que usted envió") and shown.shows("Organización")
        confirmed = await ana.submit(confirm, {}, on=shown)
        assert confirmed.shows("Firmado. Usted es el número 1."), confirmed.text
        assert confirmed.shows("Volver a la carta")
        manage = path_of(manage_url.group(0))
        managed = await ana.get(manage)
        assert html_lang(managed) == "es"
        assert managed.shows("Usted firmó como Coalición de Inmigrantes de Florida.")
        assert f'action="{path_of(links["manage"])}/withdraw?lang=es"' in managed.text
        saved = await ana.submit(manage, {**ORG, "title": "Directora Ejecutiva"}, on=managed)
        assert saved.shows("Guardado. Así queda su firma ahora."), saved.text
        gone = await ana.post(f"{path_of(links['manage'])}/withdraw?lang=es", {"csrf": saved.csrf})
        assert gone.shows("Retirada: Coalición de Inmigrantes de Florida ya no se cuenta.")
        assert f'href="{path_of(links["manage"])}?lang=en"' in gone.text
        for seen in (page, wrong, sent, shown, confirmed, managed, saved, gone):
            for link in internal_links(seen, bot.base):
                assert "lang=" in link, (link, seen.url)
    assert await store.signatures.count(1) == 0


async def test_a_page_chosen_by_the_browser_keeps_its_links_plain(
    bot: WebBot, page_path: str
) -> None:
    """Without `?lang=`, links stay as they are: each page asks the browser again."""
    async with browser(bot, SPANISH_BROWSER) as visitor:
        page = await visitor.get(page_path)
    assert f'action="{page_path}"' in page.text
    assert f'href="{bot.base}{page_path}/signers"' in page.text


async def test_a_sign_on_keeps_the_text_of_the_letter_it_was_shown(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """Signed from the Spanish page of a letter with no Spanish text, the entry says
    English; once the letter has one, a Spanish reader's entry says Spanish, and the
    email gives the Spanish title."""
    async with browser(bot, SPANISH_BROWSER, address="198.51.100.11") as first:
        await first.submit(page_path, ORG)
    english_links = links_in((await smtp_server.next(within=10)).message)
    async with browser(bot, SPANISH_BROWSER, address="198.51.100.11") as first:
        await first.submit(path_of(english_links["confirm"]), {})
    await give_spanish_text(store)
    second_signer = {**ORG, "organization": "Poder Latinx", "email": "rosa@poder.example.org"}
    async with browser(bot, SPANISH_BROWSER, address="198.51.100.12") as second:
        await second.submit(page_path, second_signer)
    mail = (await smtp_server.next(within=10)).message
    assert mail["Subject"] == "Confirme su firma: Protejamos a nuestras comunidades"
    async with browser(bot, SPANISH_BROWSER, address="198.51.100.12") as second:
        await second.submit(path_of(links_in(mail)["confirm"]), {})
    entries = {entry.name: entry for entry in await store.signatures.signers(1)}
    assert entries["Coalición de Inmigrantes de Florida"].read_in is Language.ENGLISH
    assert entries["Poder Latinx"].read_in is Language.SPANISH
    assert entries["Poder Latinx"].contacts[0].read_in is Language.SPANISH


async def test_an_english_reader_of_a_translated_letter_signs_the_english_text(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """The letter has a Spanish text; a reader of the English page signs the English."""
    await give_spanish_text(store)
    async with browser(bot, "en") as visitor:
        await visitor.submit(page_path, ORG)
        mail = (await smtp_server.next(within=10)).message
        assert mail["Subject"] == "Confirm your signature: Protect our communities"
        assert plain_text(mail).startswith("You signed “Protect our communities”")
        await visitor.submit(path_of(links_in(mail)["confirm"]), {})
    (entry,) = await store.signatures.signers(1)
    assert entry.read_in is Language.ENGLISH


async def test_the_letter_page_shows_the_spanish_text_and_offers_the_other(
    bot: WebBot, page_path: str, store: Store
) -> None:
    """A Spanish reader reads the organizers' Spanish text, and is offered the English
    in English; an English reader is offered the Spanish in Spanish."""
    await give_spanish_text(store)
    async with browser(bot) as visitor:
        spanish = await visitor.get(f"{page_path}?lang=es")
        english = await visitor.get(page_path)
        listed = await visitor.get(f"{page_path}/signers?lang=es")
    assert spanish.shows("Protejamos a nuestras comunidades")
    assert spanish.shows("Para: Secretaria Noem") and spanish.shows("Actúe ya.")
    assert not spanish.shows("Dear Secretary")
    assert f'<a href="{page_path}?lang=en" lang="en" hreflang="en">Read it in English</a>' in (
        spanish.text
    )
    assert "<title>Protejamos a nuestras comunidades</title>" in spanish.text
    assert english.shows("Protect our communities") and english.shows("Dear Secretary,")
    assert f'<a href="{page_path}?lang=es" lang="es" hreflang="es">Leer en español</a>' in (
        english.text
    )
    assert not spanish.shows("versión anterior")
    assert listed.shows("Protejamos a nuestras comunidades")


async def test_a_letter_without_a_spanish_text_shows_its_own_marked_english(
    bot: WebBot, page_path: str
) -> None:
    """The page speaks Spanish around the English text, which says it is English."""
    async with browser(bot) as visitor:
        page = await visitor.get(f"{page_path}?lang=es")
    assert page.shows("Dear Secretary,") and page.shows("Firmar esta carta")
    assert '<h1 lang="en">Protect our communities</h1>' in page.text
    assert 'aria-label="La carta" lang="en"' in page.text
    assert not page.shows("Read it in English") and not page.shows("Leer en español")


async def test_a_translation_of_an_earlier_version_says_so(
    bot: WebBot, page_path: str, store: Store
) -> None:
    """Once the English text is edited after the Spanish was written, one line says the
    Spanish is of an earlier version."""
    await give_spanish_text(store)
    letter = await store.letters.get(1)
    assert letter is not None
    edit = as_edit(letter, body="Dear Secretary,\n\nAct now.")
    await store.letters.edit(1, edit, user="UORGANIZER", now=datetime.now(UTC))
    async with browser(bot) as visitor:
        page = await visitor.get(f"{page_path}?lang=es")
    assert page.shows(
        "Esta traducción es de una versión anterior de la carta: el texto en inglés cambió "
        "desde entonces."
    ), page.text
    assert page.shows("Actúe ya.")


async def test_plural_phrases_in_spanish_follow_the_number(bot: WebBot, page_path: str) -> None:
    """The page asking to wait says "1 minuto" and "0, 2, 21 minutos"."""
    environment = aiohttp_jinja2.get_env(bot.server.app)
    template = environment.get_template("too_many.html")
    said = {}
    with speaking(Language.SPANISH):
        for minutes in (0, 1, 2, 21):
            context: dict[str, Any] = {
                "minutes": minutes,
                "waiting": False,
                "language": Language.SPANISH,
                "language_links": [],
            }
            said[minutes] = re.sub(r"<[^>]+>|\s+", " ", template.render(context))
    assert "Inténtelo de nuevo en 1 minuto más o menos." in said[1]
    for minutes in (0, 2, 21):
        assert f"Inténtelo de nuevo en {minutes} minutos más o menos." in said[minutes]


async def test_the_answer_page_speaks_the_visitors_language(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """The email to a roster contact is English with one Spanish line, whose link opens
    the answer page in Spanish."""
    from bot.rules.verification import Ask
    from bot.texts.roster import read_roster

    contact = "ed@poderlatinx.example.org"
    now = datetime.now(UTC)
    roster = f"Organization,Email\nPoder Latinx,{contact}\n".encode()
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    async with browser(bot, address="198.51.100.31") as rosa:
        await rosa.submit(page_path, {**ORG, "organization": "Poder Latinx"})
        confirm = path_of(links_in((await smtp_server.next(within=10)).message)["confirm"])
        await rosa.submit(confirm, {})
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, contact)], now=now)
    bot.scheduler.poke()
    mail = (await smtp_server.next(within=10)).message
    assert mail["Subject"] == "Did Poder Latinx sign “Protect our communities”?"
    text = plain_text(mail)
    assert text.startswith("Someone signed “Protect our communities” for Poder Latinx as Ana")
    spanish_line = text.strip().splitlines()[-1]
    assert spanish_line.startswith("Para leer esta pregunta en español: http")
    assert spanish_line.endswith("?lang=es")
    async with browser(bot, "en") as ed:
        page = await ed.get(path_of(spanish_line.split(": ", 1)[1]))
    assert html_lang(page) == "es"
    assert page.shows("¿Firmó su organización?") and page.shows("Sí, firmamos")
    assert page.shows("Alguien firmó Protect our communities por Poder Latinx como Ana Pérez")


async def test_a_spanish_web_signer_whose_organization_said_no_is_told_in_spanish(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """The email saying the signature was withdrawn speaks the signer's page's language."""
    from bot.rules.verification import Answer, Ask
    from bot.texts.roster import read_roster

    roster = b"Organization,Slack ID\nPoder Latinx,UPODER\n"
    now = datetime.now(UTC)
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    async with browser(bot, SPANISH_BROWSER, address="198.51.100.41") as rosa:
        await rosa.submit(page_path, {**ORG, "organization": "Poder Latinx"})
        confirm = path_of(links_in((await smtp_server.next(within=10)).message)["confirm"])
        await rosa.submit(confirm, {})
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, "UPODER")], now=now)
    (question,) = await store.questions.of_letter(1)
    await bot.services.answers.answer(question.id, Answer.NO, by="UPODER", now=now)
    bot.scheduler.poke()
    mail = (await smtp_server.next(within=10)).message
    assert mail["Subject"] == "Se retiró su firma: Protect our communities"
    assert plain_text(mail).startswith(
        "Se retiró su firma por Poder Latinx en “Protect our communities”"
    )


async def test_the_page_asking_to_wait_speaks_spanish_and_links_to_its_own_page(
    bot: WebBot, page_path: str
) -> None:
    """Past the limit of sign-ons for one email address, a Spanish visitor is asked in
    Spanish to wait, and the language link opens the letter they were on."""
    answers = []
    for n in range(4):
        async with browser(bot, address=f"198.51.100.{150 + n}") as visitor:
            answers.append(await visitor.submit(f"{page_path}?lang=es", ORG))
    assert [answer.status for answer in answers] == [200, 200, 200, 429]
    waiting = answers[-1]
    assert html_lang(waiting) == "es" and waiting.shows("Espere un momento, por favor")
    assert waiting.shows("Llegaron demasiados formularios desde su conexión")
    assert f'<a href="{page_path}?lang=en" lang="en" hreflang="en">English</a>' in waiting.text
