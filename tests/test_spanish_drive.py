"""Tried as a new user would: a drive where half the signers read Spanish. A letter with
its Spanish text goes out; signers whose Slack speaks Spanish sign with the form and with
/signon, others in English; browsers asking for Spanish or English sign on the public
page and confirm from their email; a member that hasn't signed is chased; the English
text is edited. Every message, view, page and email a Spanish reader gets is Spanish,
the count and the list are one, and Slack refuses nothing."""

from __future__ import annotations

import json
import re
import string
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import aiohttp
import pytest
from babel.messages.pofile import read_po

from bot.app import build_client
from bot.rules.forms import Field, SignonField
from bot.rules.language import LOCALES, Language
from bot.services.dispatch import Dispatcher
from bot.settings import Settings
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.conftest import ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, post_letter, signon, workspaces_for
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import Page, Visitor, WebBot, links_in, path_of, web_bot

SPANISH_TEXT = (
    "Proteger a nuestras comunidades",
    "Honorable Alejandro Mayorkas",
    "Estimado Secretario:\n\nLe pedimos que actúe ya.",
)
# Slack signers: (user, organization), half with a Spanish Slack.
SPANISH_SLACK = {"UES1": "Comunidad de Apoyo San Diego", "UES2": "Poder Latinx"}
ENGLISH_SLACK = {"UEN1": "Detention Watch Network", "UEN2": "PODER LATINX"}
# Roster contacts who haven't signed: each is chased in their language.
CHASED = {"UES9": ("Universidad Popular", "es-LA"), "UEN9": ("Grassroots Leadership", "en-US")}
# Web signers: (what their browser asks for, their organization, their email).
WEB = [
    ("es-MX,es;q=0.9", "Woori Juntos", "mina@woori.example.org"),
    ("es", "Alianza Americas", "rosa@alianza.example.org"),
    ("en-US,en;q=0.9", "Florida Immigrant Coalition", "ana@fic.example.org"),
    (None, "CASA", "gus@casa.example.org"),
]


@pytest.fixture
async def bot(settings: Settings, store: Store, smtp_server: SmtpServer) -> AsyncIterator[WebBot]:
    async with web_bot(settings, store, smtp_server) as running:
        yield running


@pytest.fixture
async def slack_here(bot: WebBot, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(session, bot.base + "/slack/events", fake_slack)


@pytest.fixture(autouse=True)
def quick_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """People here fill the form in no time: the least fill time is tested on its own."""
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(0))


def english_phrases() -> list[str]:
    """Pieces of every English phrase whose Spanish differs, long enough to be English
    only (a name or a number is nobody's sentence): a Spanish reader meets none."""
    with (LOCALES / "es" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale="es")
    pieces: set[str] = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not message.id or set(ids) & set(forms):
            continue
        for phrase in ids:
            literal = "".join(text for text, *_ in string.Formatter().parse(phrase))
            for piece in re.split(r"[*_`<>|{}\n]|%\(\w+\)s", literal):
                piece = piece.strip(" .,:;!?()“”\"'•")
                if len(piece) >= 18 and len(piece.split()) >= 3:
                    pieces.add(piece)
    return sorted(pieces)


ENGLISH = english_phrases()


def english_in(text: str) -> list[str]:
    """The English phrases `text` says."""
    return [phrase for phrase in ENGLISH if phrase in text]


def shown(page: Page) -> str:
    """A page's words as its reader sees them."""
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.text)))


async def sign_with_the_form(
    slack: SlackDriver, fake: FakeSlack, *, user: str, organization: str
) -> list[dict[str, Any]]:
    """Sign on under the letter's post with its form: the form, and what replaced it."""
    before = len(fake.calls_to("views.open"))
    await slack.press(SIGN_ON_ACTION, "1", user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    form: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    answers = {
        SignonField.ORGANIZATION: organization,
        SignonField.PERSON: f"Contact of {organization}",
    }
    reply = await slack.submit_view(form, as_submitted(form, **answers), user=user)
    answer = reply.json()
    assert answer["response_action"] == "update", answer
    return [form, answer["view"]]


async def sign_on_the_web(
    visitor: Visitor, smtp: SmtpServer, path: str, organization: str, email: str
) -> tuple[list[Page], str]:
    """The public page, its form sent, the email's confirmation page and its button:
    every page seen, and the email's text."""
    letter = await visitor.get(path)
    fields = {
        "csrf": letter.csrf,
        "kind": "organization",
        "organization": organization,
        "person": f"Contact of {organization}",
        "title": "Director",
        "city": "Houston",
        "state": "TX",
        "email": email,
        "public": "yes",
    }
    sent = await visitor.post(letter.url, fields)
    assert sent.url.split("?")[0].endswith("/sent"), sent.text
    mail = (await smtp.next(within=10)).message
    links = links_in(mail)
    confirm = await visitor.get(path_of(links["confirm"]))
    confirmed = await visitor.submit(path_of(links["confirm"]), {}, on=confirm)
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    text = f"{mail['Subject']}\n{plain.get_content()}"
    return [letter, sent, confirm, confirmed], text


async def test_a_half_spanish_drive(
    bot: WebBot,
    slack_here: SlackDriver,
    fake_slack: FakeSlack,
    store: Store,
    smtp_server: SmtpServer,
    settings: Settings,
) -> None:
    """Spanish readers read Spanish everywhere, English readers English, and they sign
    one letter with one count and one list, which says who read which text."""
    slack, fake = slack_here, fake_slack
    coalition(fake)
    people = {user: "es-MX" for user in SPANISH_SLACK} | {user: "en-US" for user in ENGLISH_SLACK}
    people |= {user: locale for user, (_, locale) in CHASED.items()}
    for user, locale in people.items():
        fake.add_user(user, name=user.lower(), real_name=f"Person {user}", locale=locale)
        fake.join(user, "CCOALITION")
    roster = "Organization,Slack ID\n" + "".join(f"{o},{u}\n" for u, (o, _) in CHASED.items())
    await store.roster.save(
        read_roster(roster.encode()).members, accounts={}, now=datetime.now(UTC)
    )
    await post_letter(slack, fake, spanish=SPANISH_TEXT)
    letter = await store.letters.get(1)
    assert letter is not None
    path = f"/l/{letter.public_token}"
    said: dict[str, list[str]] = {user: [] for user in people}

    # In Slack: one of each with the form, the other with /signon.
    (es_form, en_form) = ("UES1", "UEN1")
    for user in (es_form, en_form):
        views = await sign_with_the_form(
            slack, fake, user=user, organization={**SPANISH_SLACK, **ENGLISH_SLACK}[user]
        )
        said[user] += [json.dumps(view, ensure_ascii=False) for view in views]
    for user in ("UES2", "UEN2"):
        said[user].append(
            await signon(slack, fake, {**SPANISH_SLACK, **ENGLISH_SLACK}[user], user=user)
        )
        said[user].append(await signon(slack, fake, "status", user=user))

    # On the web: two browsers asking for Spanish, one for English, one for nothing.
    pages: dict[str, list[Page]] = {}
    mails: dict[str, str] = {}
    for n, (accept, organization, email) in enumerate(WEB):
        async with bot.visitor(f"203.0.113.{20 + n}", accept_language=accept) as visitor:
            pages[organization], mails[organization] = await sign_on_the_web(
                visitor, smtp_server, path, organization, email
            )

    # The members that haven't signed are chased; the English text gets a new version.
    await slack.command("/letter", "chase", user=ORGANIZER, channel="CCOALITION")
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    edit = fake.calls_to("views.open")[-1].args["view"]
    body = "Dear Secretary,\n\nWe ask you to act now, and to meet us."
    await slack.submit_view(edit, as_submitted(edit, **{Field.BODY: body}), user=ORGANIZER)
    client = build_client(settings, retries=False)
    dispatcher = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0))
    await dispatcher.run_due(datetime.now(UTC) + timedelta(minutes=1))
    for user in people:
        await slack.open_home(user)
    await fake.wait_for(lambda: all(user in fake.homes for user in people))
    for user in people:
        said[user] += [
            m.text + json.dumps(m.blocks, ensure_ascii=False)
            for m in fake.messages
            if m.channel == user
        ]
        said[user] += [json.dumps(fake.homes[user], ensure_ascii=False)]

    # Each reader in their language: Spanish readers meet no English phrase.
    for user, texts in said.items():
        assert texts, f"{user} was told nothing"
        if people[user].startswith("es"):
            for text in texts:
                assert english_in(text) == [], (user, text[:400])
    chased = {user for user in CHASED if any(m.channel == user for m in fake.messages)}
    assert chased == set(CHASED)
    for user in ("UES1", "UES2"):  # told of the new version, in Spanish
        assert any(
            "cambió después de que usted la firmó" in m.text
            for m in fake.messages
            if m.channel == user
        )
    for accept, organization, _email in WEB:
        spanish = (accept or "").startswith("es")
        for page in pages[organization]:
            assert page.status == 200
            assert f'lang="{"es" if spanish else "en"}"' in page.text
            if spanish:
                assert english_in(shown(page)) == [], (organization, page.url)
        if spanish:
            assert english_in(mails[organization]) == [], mails[organization]
        else:
            assert "confirm" in mails[organization].lower()

    # One letter, one count, one list; which text each read.
    signers = await store.signatures.signers(letter.id)
    names = {s.name: s for s in signers}
    organizations = {*SPANISH_SLACK.values(), "Detention Watch Network"} | {o for _, o, _ in WEB}
    assert set(names) == organizations and len(signers) == 7
    assert await store.signatures.count(letter.id) == 7
    poder = names["Poder Latinx"]
    assert {c.user_id: c.read_in for c in poder.contacts} == {
        "UES2": Language.SPANISH,
        "UEN2": Language.ENGLISH,
    }
    read_in = {name: signer.read_in for name, signer in names.items()}
    assert read_in == {
        "Comunidad de Apoyo San Diego": Language.SPANISH,
        "Poder Latinx": Language.SPANISH,
        "Detention Watch Network": Language.ENGLISH,
        "Woori Juntos": Language.SPANISH,
        "Alianza Americas": Language.SPANISH,
        "Florida Immigrant Coalition": Language.ENGLISH,
        "CASA": Language.ENGLISH,
    }
    async with bot.visitor("203.0.113.90", accept_language="es") as reader:
        listed = await reader.get(f"{path}/signers")
        assert all(name in shown(listed) for name in organizations)
        assert "Firmada por 7 organizaciones de 1 estado." in shown(listed)
        assert english_in(shown(listed)) == []
    assert fake.rejected == []
