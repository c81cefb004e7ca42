"""The public sign-on page end to end over HTTP: a letter posted in Slack, signed on
the web, confirmed from a real email, counted as Slack's sign-ons are."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import sqlalchemy as sa

from bot.rules.letters import WhoCounts
from bot.rules.signons import ContactSource
from bot.rules.verification import Answer, Ask
from bot.services import dispatch
from bot.services.exports import export_of
from bot.services.rate_limits import PER_ADDRESS
from bot.settings import Settings
from bot.storage import Store
from bot.storage.schema import deliveries, web_signons
from bot.texts.exports import as_json
from bot.texts.roster import read_roster
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import as_edit, coalition, post_letter, signon
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer, StartSmtpServer
from tests.web_visitor import Page, Visitor, WebBot, links_in, path_of, web_bot

ORG = {
    "kind": "organization",
    "organization": "Florida Immigrant Coalition",
    "person": "Ana Pérez",
    "title": "Director",
    "city": "Miami",
    "state": "FL",
    "email": "ana@floridaimmigrant.example.org",
    "public": "yes",
}


@pytest.fixture
async def bot(settings: Settings, store: Store, smtp_server: SmtpServer) -> AsyncIterator[WebBot]:
    async with web_bot(settings, store, smtp_server) as running:
        yield running


@pytest.fixture
async def slack_here(bot: WebBot, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(session, bot.base + "/slack/events", fake_slack)


@pytest.fixture
async def page_path(slack_here: SlackDriver, fake_slack: FakeSlack, store: Store) -> str:
    coalition(fake_slack)
    await post_letter(slack_here, fake_slack)
    letter = await store.letters.get(1)
    assert letter is not None
    return f"/l/{letter.public_token}"


async def fill_in(visitor: Visitor, path: str, fields: dict[str, str]) -> Page:
    """Open the page, wait as a person would, send the form."""
    page = await visitor.get(path)
    assert page.status == 200, page.text
    return await visitor.post(path, {"csrf": page.csrf, **fields})


@pytest.fixture(autouse=True)
def quick_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """People here fill the form in no time: the least fill time is tested on its own."""
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(0))


async def test_a_web_sign_on_counts_only_once_confirmed_by_the_button(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    async with bot.visitor() as ana:
        sent = await fill_in(ana, page_path, ORG)
        assert sent.status == 200 and sent.url.endswith("/sent"), sent.text
        assert sent.shows("Check your email")
        mail = await smtp_server.next(within=10)
        assert mail.recipients == [ORG["email"]]
        links = links_in(mail.message)
        assert await store.signatures.count(1) == 0
        # A mail scanner opens the link: nothing is signed.
        scanned = await ana.get(path_of(links["confirm"]))
        assert scanned.status == 200 and scanned.shows("Confirm")
        # What they sign, to read before they confirm.
        assert scanned.shows("To: ") and scanned.shows("Dear Secretary, Act.")
        assert scanned.shows("Read the full letter")
        assert await store.signatures.count(1) == 0
        confirmed = await ana.submit(path_of(links["confirm"]), {}, on=scanned)
        assert confirmed.shows("Signed. You are number 1."), confirmed.text
        assert await store.signatures.count(1) == 1
        (entry,) = await store.signatures.signers(1)
        assert entry.name == "Florida Immigrant Coalition"
        assert entry.contacts[0].source is ContactSource.WEB
        assert entry.contacts[0].email == ORG["email"]
        # Twice changes nothing.
        again = await ana.submit(path_of(links["confirm"]), {}, on=scanned)
        assert again.shows("Signed. You are number 1.")
        assert await store.signatures.count(1) == 1


async def sign_and_confirm(
    bot: WebBot, smtp: SmtpServer, path: str, fields: dict[str, str], *, address: str
) -> tuple[Page, dict[str, str]]:
    async with bot.visitor(address) as person:
        sent = await fill_in(person, path, fields)
        assert sent.url.endswith("/sent"), sent.text
        links = links_in((await smtp.next(within=10)).message)
        confirmed = await person.submit(path_of(links["confirm"]), {})
        return confirmed, links


async def test_a_spelling_variant_of_a_slack_signer_joins_its_entry(
    bot: WebBot,
    page_path: str,
    smtp_server: SmtpServer,
    store: Store,
    slack_here: SlackDriver,
    fake_slack: FakeSlack,
) -> None:
    await signon(slack_here, fake_slack, "Florida Immigrant Coalition, Inc.", user="UMEMBER1")
    confirmed, _ = await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.4")
    assert confirmed.shows("Your organization had already signed: you are added as"), confirmed.text
    (entry,) = await store.signatures.signers(1)
    assert [c.source for c in entry.contacts] == [ContactSource.SLACK, ContactSource.WEB]


async def test_a_near_match_waits_for_the_organizers(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    await sign_and_confirm(
        bot,
        smtp_server,
        page_path,
        {**ORG, "organization": "Coalition for Humane Immigrant Rights (CHIRLA)"},
        address="198.51.100.5",
    )
    confirmed, _ = await sign_and_confirm(
        bot,
        smtp_server,
        page_path,
        {**ORG, "organization": "CHIRLA", "email": "b@chirla.example.org"},
        address="198.51.100.6",
    )
    assert confirmed.shows("waiting for the organizers to check it is not a duplicate")
    # The public list shows neither side of a pair waiting for review.
    async with bot.visitor() as reader:
        listed = await reader.get(page_path + "/signers")
    assert listed.status == 200
    assert not listed.shows("CHIRLA")


async def test_the_public_list_shows_only_listed_confirmed_entries(
    bot: WebBot, page_path: str, smtp_server: SmtpServer
) -> None:
    await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.7")
    await sign_and_confirm(
        bot,
        smtp_server,
        page_path,
        {**ORG, "organization": "Quiet Alliance", "email": "q@quiet.example.org", "public": ""},
        address="198.51.100.8",
    )
    async with bot.visitor("198.51.100.9") as pending:
        await fill_in(
            pending,
            page_path,
            {**ORG, "organization": "Unconfirmed Union", "email": "u@union.example.org"},
        )
    async with bot.visitor() as reader:
        listed = await reader.get(page_path + "/signers")
        embedded = await reader.get(page_path + "/embed")
    assert listed.shows("Florida Immigrant Coalition")
    assert not listed.shows("Quiet Alliance") and not listed.shows("Unconfirmed Union")
    assert listed.shows("1 signer who asked not to be listed")
    assert listed.shows("Signed by 2 organizations")
    assert not listed.shows("ana@")  # no email is ever published
    assert embedded.shows("Florida Immigrant Coalition")
    assert "frame-ancestors 'none'" in embedded.headers["Content-Security-Policy"]
    assert listed.headers["X-Frame-Options"] == "DENY"
    assert "X-Frame-Options" not in embedded.headers


async def test_a_sign_on_left_unconfirmed_expires_at_the_close(
    bot: WebBot,
    page_path: str,
    smtp_server: SmtpServer,
    store: Store,
    slack_here: SlackDriver,
    fake_slack: FakeSlack,
) -> None:
    async with bot.visitor() as late:
        await fill_in(late, page_path, ORG)
        links = links_in((await smtp_server.next(within=10)).message)
        page = await late.get(path_of(links["confirm"]))
        from tests.helpers import ask

        await ask(slack_here, fake_slack, "close 1")
        closed = await late.post(path_of(links["confirm"]), {"csrf": page.csrf})
        assert closed.status == 409 and closed.shows("closed"), closed.text
        again = await late.get(path_of(links["confirm"]))
        assert again.shows("closed before the sign-on was confirmed")
    assert await store.signatures.count(1) == 0
    # The address it came from is forgotten at the close.
    async with store.engine.connect() as conn:
        kept = (await conn.execute(sa.select(web_signons.c.status, web_signons.c.ip_hash))).all()
    assert [tuple(row) for row in kept] == [("expired", None)]
    letter_page = await _anonymous_get(bot, page_path)
    assert letter_page.shows("Closed.") and 'name="csrf"' not in letter_page.text


async def _anonymous_get(bot: WebBot, path: str) -> Page:
    async with bot.visitor() as reader:
        return await reader.get(path)


async def test_a_form_without_its_token_keeps_nothing(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    async with bot.visitor() as forger:
        await forger.get(page_path)
        refused = await forger.post(page_path, {**ORG, "csrf": "1700000000.forged"})
        missing = await forger.post(page_path, dict(ORG))
    async with bot.visitor() as elsewhere:
        # A token from another browser's page, sent without that browser's cookie.
        async with bot.visitor() as victim:
            token = (await victim.get(page_path)).csrf
        stolen = await elsewhere.post(page_path, {**ORG, "csrf": token})
    for page in (refused, missing, stolen):
        assert page.status == 400
        assert page.shows("This form couldn't be checked")
        assert 'value="Florida Immigrant Coalition"' in page.text  # what they typed is kept
    assert smtp_server.received == []
    assert (await store.web_signons.get(1)) is None


async def test_a_bot_filling_the_hidden_field_is_told_nothing_and_sends_nothing(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    async with bot.visitor() as spambot:
        page = await fill_in(spambot, page_path, {**ORG, "website": "http://spam.example"})
    assert page.url.endswith("/sent")
    assert (await store.web_signons.get(1)) is None
    assert smtp_server.received == []


async def test_a_form_sent_at_once_is_shown_again(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(seconds=60))
    async with bot.visitor() as hasty:
        page = await fill_in(hasty, page_path, ORG)
    assert page.status == 400 and page.shows("Please check what you filled in")
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organization", "Best Deals <a href='http://x.example'>here</a>"),
        ("person", "Visit https://spam.example now"),
        ("title", "www.cheap.example"),
        ("city", "[url=http://x.example]x[/url]"),
    ],
)
async def test_names_carrying_links_or_markup_are_refused(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, field: str, value: str
) -> None:
    async with bot.visitor() as spammer:
        page = await fill_in(spammer, page_path, {**ORG, field: value})
    assert page.status == 400
    assert page.shows("without web addresses or markup")
    assert "<a href='http://x.example'>" not in page.text  # shown back escaped
    assert smtp_server.received == []


@pytest.mark.parametrize(
    "email",
    [
        "ana@example.org\r\nBcc: everyone@example.org",
        "ana@example.org, other@example.org",
        "ana@example.org\nSubject: win",
        "not an address",
    ],
)
async def test_no_email_header_can_be_injected(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, email: str
) -> None:
    async with bot.visitor() as attacker:
        page = await fill_in(attacker, page_path, {**ORG, "email": email})
    assert page.status == 400 and page.shows("doesn't look like an email address")
    assert smtp_server.received == []


async def test_past_its_limit_an_address_is_told_to_wait_whatever_it_sends(
    bot: WebBot, page_path: str, smtp_server: SmtpServer
) -> None:
    """Every form sent counts against the address's limit, refused or not: past
    PER_ADDRESS.hits in its window, the next is answered 429 before it is read, and
    nothing was kept or sent."""
    async with bot.visitor("192.0.2.60") as hammer:
        page = await hammer.get(page_path)
        refused = [
            await hammer.post(page_path, {**ORG, "csrf": "forged"}) for _ in range(PER_ADDRESS.hits)
        ]
        over = await hammer.post(page_path, {**ORG, "csrf": page.csrf})
    assert {answer.status for answer in refused} == {400}
    assert over.status == 429 and over.shows("Too many forms came from your connection")
    assert "Retry-After" in over.headers
    assert smtp_server.received == []


async def test_a_title_with_line_breaks_stays_out_of_the_headers(
    bot: WebBot, page_path: str, smtp_server: SmtpServer
) -> None:
    async with bot.visitor() as ana:
        await fill_in(ana, page_path, {**ORG, "organization": "Org\r\nBcc: x@example.org"})
    mail = await smtp_server.next(within=10)
    assert mail.recipients == [ORG["email"]]
    assert "Bcc" not in mail.message and "x@example.org" not in str(mail.message["To"])


async def test_a_flood_from_one_address_gets_429s_and_a_handful_of_emails(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    answers = []
    async with bot.visitor("192.0.2.50") as flood:
        page = await flood.get(page_path)
        for n in range(100):
            answers.append(
                await flood.post(
                    page_path, {**ORG, "email": f"x{n}@flood{n}.example.org", "csrf": page.csrf}
                )
            )
    statuses = [answer.status for answer in answers]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    # Five wait to be confirmed, so no more are kept: the rest of the flood is turned
    # away from memory, before anything is read or counted, and told the way on.
    assert all(answer.shows("still waiting to be confirmed") for answer in answers[5:])
    assert all("Retry-After" in answer.headers for answer in answers[5:])
    # Another address is served as usual.
    async with bot.visitor("198.51.100.77") as other:
        fine = await fill_in(other, page_path, ORG)
    assert fine.url.endswith("/sent")
    for _ in range(6):
        await smtp_server.next(within=10)
    await asyncio.sleep(0.5)
    assert len(smtp_server.received) == 6  # five for the flood, one for the other
    assert await store.signatures.count(1) == 0


async def test_people_signing_from_one_office_are_not_stopped(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    """Thirty people behind one address each sign and confirm: none is turned away."""
    for n in range(30):
        confirmed, _ = await sign_and_confirm(
            bot,
            smtp_server,
            page_path,
            {**ORG, "organization": f"Office Member {n}", "email": f"p{n}@m{n}.example.org"},
            address="192.0.2.80",
        )
        assert confirmed.shows(f"You are number {n + 1}."), confirmed.text
    assert await store.signatures.count(1) == 30


async def test_one_address_gets_only_a_few_emails_an_hour(
    bot: WebBot, page_path: str, smtp_server: SmtpServer
) -> None:
    statuses = []
    for n in range(5):
        async with bot.visitor(f"198.51.100.{100 + n}") as someone:
            statuses.append((await fill_in(someone, page_path, ORG)).status)
    assert statuses == [200, 200, 200, 429, 429]


async def test_security_headers_and_nothing_from_other_hosts(bot: WebBot, page_path: str) -> None:
    page = await _anonymous_get(bot, page_path)
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "http" not in policy  # no host but this one
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    for source in ('src="http', "src='http", 'href="http'):
        assert source not in page.text.replace(f'href="{bot.base}', "")


async def test_a_web_signer_corrects_and_withdraws_through_their_private_link(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    _, links = await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.20")
    manage = path_of(links["manage"])
    async with bot.visitor("198.51.100.21") as ana:
        page = await ana.get(manage)
        assert page.status == 200 and page.shows("You signed as Florida Immigrant Coalition")
        assert page.headers["Cache-Control"] == "no-store"
        saved = await ana.submit(
            manage, {**ORG, "title": "Executive Director", "city": "Orlando"}, on=page
        )
        assert saved.shows("Saved."), saved.text
        (entry,) = await store.signatures.signers(1)
        assert entry.city == "Orlando" and entry.contacts[0].title == "Executive Director"
        gone = await ana.post(manage + "/withdraw", {"csrf": saved.csrf})
        assert gone.shows("Withdrawn: Florida Immigrant Coalition no longer counts")
    assert await store.signatures.count(1) == 0
    trail = await store.entries.audit(1)
    assert [change.action.value for change in trail][-1] == "withdrawn"


async def test_a_joiner_changes_only_their_own_contact(
    bot: WebBot,
    page_path: str,
    smtp_server: SmtpServer,
    store: Store,
    slack_here: SlackDriver,
    fake_slack: FakeSlack,
) -> None:
    await signon(slack_here, fake_slack, "Florida Immigrant Coalition", user="UMEMBER1")
    _, links = await sign_and_confirm(
        bot, smtp_server, page_path, {**ORG, "city": ""}, address="198.51.100.30"
    )
    manage = path_of(links["manage"])
    async with bot.visitor("198.51.100.31") as joiner:
        page = await joiner.get(manage)
        assert page.shows("you can correct only your own name and title")
        await joiner.submit(manage, {**ORG, "title": "Organizer", "city": "Tampa"}, on=page)
    (entry,) = await store.signatures.signers(1)
    assert entry.city != "Tampa"
    assert entry.contacts[-1].title == "Organizer"


async def test_links_that_are_not_ours_find_nothing(
    bot: WebBot, page_path: str, smtp_server: SmtpServer
) -> None:
    _, links = await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.40")
    confirm_id = path_of(links["confirm"]).rsplit("/", 1)[1]
    async with bot.visitor() as guesser:
        # The confirm link's token opens nothing else, and a guessed one nothing at all.
        assert (await guesser.get("/manage/" + confirm_id)).status == 404
        assert (await guesser.get("/confirm/2.AAAAAAAAAAAAAAAAAAAAAAAA")).status == 404
        assert (await guesser.get("/l/not-a-letter")).status == 404
        assert (await guesser.get("/l/1")).status == 404


async def test_a_scanner_submitting_the_confirm_form_at_once_confirms_nothing(
    bot: WebBot,
    page_path: str,
    smtp_server: SmtpServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some mail scanners (Outlook's Safe Links) submit the forms of the pages they
    open, the moment they load: a person reads the page first."""
    async with bot.visitor() as ana:
        await fill_in(ana, page_path, ORG)
    links = links_in((await smtp_server.next(within=10)).message)
    from bot.services import web_keys

    monkeypatch.setattr(web_keys, "FORM_FILL_MIN", timedelta(seconds=60))
    async with bot.visitor("192.0.2.99") as scanner:
        page = await scanner.submit(path_of(links["confirm"]), {})
    assert page.status == 400 and page.shows("press Confirm again")
    assert await store.signatures.count(1) == 0
    assert (await store.web_signons.get(1)) is not None


async def test_the_email_is_retried_while_the_relay_fails_and_sent_once(
    settings: Settings,
    store: Store,
    start_smtp_server: StartSmtpServer,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch, "RETRY_FIRST", timedelta(seconds=0.5))
    smtp = await start_smtp_server(refuse={ORG["email"]: "451 4.3.0 Try again later"})
    async with web_bot(settings, store, smtp) as running:
        coalition(fake_slack)
        async with aiohttp.ClientSession() as session:
            await post_letter(
                SlackDriver(session, running.base + "/slack/events", fake_slack), fake_slack
            )
        letter = await store.letters.get(1)
        assert letter is not None
        async with running.visitor() as ana:
            await fill_in(ana, f"/l/{letter.public_token}", ORG)
        await _attempted(store)
        assert smtp.received == []
        smtp.refuse.clear()
        # The dispatcher tries again after its backoff, and once only.
        mail = await smtp.next(within=20)
        assert mail.recipients == [ORG["email"]]
        await asyncio.sleep(0.5)
        assert len(smtp.received) == 1


async def test_the_json_export_gives_a_web_contact_its_source_and_the_letters_page(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    await sign_and_confirm(
        bot, smtp_server, page_path, {**ORG, "may_contact": "yes"}, address="198.51.100.60"
    )
    letter = await store.letters.get(1)
    assert letter is not None
    export = await export_of(
        store,
        bot.services.people,
        letter,
        now=datetime.now(UTC),
        zone=ZoneInfo("UTC"),
        roster_contacts=True,
        style=letter.list_style,
        pages=bot.services.pages,
    )
    document = json.loads(
        as_json(export.letter, export.signers, export.versions, extras=export.extras)
    )
    assert document["letter"]["public_url"] == bot.base + page_path
    (contact,) = document["signers"][0]["contacts"]
    assert contact["source"] == "web" and contact["slack_user"] is None
    assert contact["may_contact"] is True and contact["email"] == ORG["email"]
    assert contact["name"] == "Ana Pérez"


async def _attempted(store: Store) -> None:
    """Wait until the email's delivery has been tried (and refused) once."""
    for _ in range(200):
        async with store.engine.connect() as conn:
            tried = await conn.scalar(sa.select(sa.func.max(deliveries.c.attempts)))
        if tried:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the email was never tried")


async def test_only_the_sites_named_may_frame_the_embeddable_list(
    settings: Settings, store: Store, smtp_server: SmtpServer, fake_slack: FakeSlack
) -> None:
    sites = ("https://coalition.example.org", "https://*.allies.example.org")
    async with web_bot(settings, store, smtp_server, frame_ancestors=sites) as running:
        coalition(fake_slack)
        async with aiohttp.ClientSession() as session:
            await post_letter(
                SlackDriver(session, running.base + "/slack/events", fake_slack), fake_slack
            )
        letter = await store.letters.get(1)
        assert letter is not None
        embedded = await _anonymous_get(running, f"/l/{letter.public_token}/embed")
        page = await _anonymous_get(running, f"/l/{letter.public_token}")
    assert (
        "frame-ancestors https://coalition.example.org https://*.allies.example.org"
        in (embedded.headers["Content-Security-Policy"])
    )
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


async def test_an_address_whose_sign_ons_wait_may_still_confirm_them(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    async with bot.visitor("192.0.2.60") as office:
        for n in range(6):
            last = await fill_in(
                office, page_path, {**ORG, "organization": f"Org {n}", "email": f"a{n}@o{n}.org"}
            )
        assert last.status == 429 and last.shows("still waiting to be confirmed")
        links = links_in((await smtp_server.next(within=10)).message)
        confirmed = await office.submit(path_of(links["confirm"]), {})
        assert confirmed.shows("Signed. You are number 1."), confirmed.text
    assert await store.signatures.count(1) == 1


async def test_a_contact_slack_doesnt_know_answers_by_the_link_in_their_email(
    bot: WebBot,
    page_path: str,
    slack_here: SlackDriver,
    fake_slack: FakeSlack,
    smtp_server: SmtpServer,
    store: Store,
) -> None:
    """The question goes by email to a roster contact with no Slack account; its link
    opens a page that answers nothing until a button is pressed, and only once."""
    contact = "ed@poderlatinx.example.org"
    roster = f"Organization,Email\nPoder Latinx,{contact}\n".encode()
    now = datetime.now(UTC)
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    await signon(slack_here, fake_slack, "Poder Latinx", user="USTRANGER")
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, contact)], now=now)
    bot.scheduler.poke()
    mail = await smtp_server.next(within=10)
    assert mail.recipients == [contact]
    assert mail.message["Subject"] == "Did Poder Latinx sign “Protect our communities”?"
    path = path_of(links_in(mail.message)["answer"])
    async with bot.visitor() as ed:
        # A mail scanner opens the link: nothing is answered.
        shown = await ed.get(path)
        assert shown.status == 200 and shown.shows("Did your organization sign")
        assert shown.shows("Yes, we signed") and shown.shows("No, we didn't")
        assert await store.signatures.count(1) == 1
        # The public pages say nothing of verification, to anyone.
        for public in (page_path, page_path + "/signers", page_path + "/embed"):
            assert "verif" not in (await ed.get(public)).text.casefold()
        # Without the form's token, nothing either.
        forged = await ed.post(path, {"answer": "no"})
        assert forged.status == 400 and await store.signatures.count(1) == 1
        answered = await ed.post(path, {"csrf": shown.csrf, "answer": "no"})
        assert answered.shows("withdrawn and no longer counts"), answered.text
        assert await store.signatures.count(1) == 0
        again = await ed.get(path)
        assert again.shows("withdrawn and no longer counts") and "<form" not in again.text
        # Another question's token, or a guessed one, opens nothing.
        token = path.rsplit("/", 1)[1]
        assert (await ed.get("/answer/" + token.replace("1.", "2.", 1))).status == 404
        assert (await ed.get("/manage/" + token)).status == 404


async def test_a_web_signer_whose_organization_said_no_is_told_by_email(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store, fake_slack: FakeSlack
) -> None:
    """The outcome, at the email they confirmed; not who was asked, nor what they said."""
    roster = b"Organization,Slack ID\nFlorida Immigrant Coalition,UFLIC\n"
    now = datetime.now(UTC)
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.60")
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, "UFLIC")], now=now)
    (question,) = await store.questions.of_letter(1)
    await bot.services.answers.answer(question.id, Answer.NO, by="UFLIC", now=now)
    bot.scheduler.poke()
    mail = await smtp_server.next(within=10)
    assert mail.recipients == [ORG["email"]]
    assert mail.message["Subject"] == "Your signature was withdrawn: Protect our communities"
    body = mail.message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Florida Immigrant Coalition" in text and "UFLIC" not in text
    await fake_slack.wait_for(lambda: any(m.channel == LEAD for m in fake_slack.messages))


async def test_on_a_letter_that_holds_unverified_sign_ons_a_web_signer_is_told_it_waits(
    bot: WebBot, page_path: str, smtp_server: SmtpServer, store: Store
) -> None:
    letter = await store.letters.get(1)
    assert letter is not None
    rule, anyone = WhoCounts.VERIFIED_ONLY.rule
    edit = as_edit(letter, verification_rule=rule, anyone_may_sign=anyone)
    await store.letters.edit(1, edit, user="UORGANIZER", now=datetime.now(UTC))
    confirmed, _ = await sign_and_confirm(bot, smtp_server, page_path, ORG, address="198.51.100.70")
    assert confirmed.shows("counts once the coalition has checked it with the organization")
    assert not confirmed.shows("You are number")
    assert await store.signatures.count(1) == 0
    async with bot.visitor() as anyone_else:
        listed = await anyone_else.get(page_path + "/signers")
        assert "Florida Immigrant Coalition" not in listed.text
