"""A whole drive, played against the bundled Slack stand-in (`tests/fake_slack.py`) and
the bot as it runs (`python -m bot`, HTTP mode, on the embedded SQLite default):

- the 2021 fixture letter (16.7k characters) is posted into two channels from a pasted
  message ("Start a sign-on letter");
- a third of the fixture's 102 organizations sign first on the letter's public page,
  confirming from the email a local SMTP server catches; then the organizations sign in
  Slack, with `/signon Name` and through the form, many of them two or three times by
  different people, with the spellings people type: case, punctuation, "Inc.", a
  trailing acronym, an acronym alone;
- an organizer decides the possible duplicates, and closes the letter.

Then it prints what a lead receives (the headline, the pairs that went to review, the
list) and where the files and the chart were written. Exits 1 if the count isn't 102.

`python -m demo [OUTPUT_FOLDER]` (default `demo-output`).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.rules.dedupe import initials, org_key
from bot.rules.forms import SignonField
from bot.rules.mrkdwn import escape
from bot.services.web_keys import FORM_FILL_MIN
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.reviews import MERGE_ACTION
from bot.texts.imports import read_signons
from tests.bot_process import BotProcess, bot_environment, free_port
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, form_values, latest_view, told
from tests.slack_driver import SlackDriver
from tests.smtp_server import SmtpServer
from tests.web_visitor import Visitor, links_in, path_of

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
LETTER = FIXTURES / "letters" / "2021-enforcement-reform-100-days.txt"
SIGN_ONS = FIXTURES / "google-forms-signons-2021-enforcement-reform.csv"
ORGANIZER, LEAD = "UORGANIZER", "ULEAD"
CHANNELS = ("CCOALITION", "CSTATES")
ZONE = ZoneInfo("America/New_York")
EXPECTED = 102
# A little longer than the least time the public page allows for filling a form in.
FILL_SECONDS = FORM_FILL_MIN.total_seconds() + 0.2


def spellings(name: str, n: int) -> list[str]:
    """How two or three people of one organization type its name: as written, then in
    their own way (case, punctuation, "Inc.", its acronym after it, or alone)."""
    acronym = initials(org_key(name)).upper()
    others = [
        name.upper(),
        name.lower(),
        f"{name}, Inc.",
        re.sub(r"[.,]", "", name),
        f"{name} ({acronym})" if len(acronym) >= 3 else name.upper(),
    ]
    found = [name, others[n % len(others)]]
    if n % 3 == 0:
        found.append(others[(n + 2) % len(others)])
    if n % 17 == 0 and len(acronym) >= 4:
        found.append(acronym)  # an acronym alone: only a person can tell
    return found


async def play(output: Path) -> int:
    started = time.monotonic()
    fake = FakeSlack()
    await fake.start()
    coalition(fake)
    names = list(
        dict.fromkeys(
            r.submission.name for r in read_signons(SIGN_ONS.read_bytes(), zone=ZONE).rows
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        tally = (datetime.now(ZONE) + timedelta(hours=12)).strftime("%H:%M")
        port = free_port()
        async with SmtpServer() as mail:
            bot = BotProcess(
                workdir=Path(folder),
                env=bot_environment(
                    api_url=fake.api_url,
                    database_url=f"sqlite+aiosqlite:///{Path(folder) / 'undersigned.db'}",
                    ORGANIZERS=ORGANIZER,
                    TIMEZONE=ZONE.key,
                    TALLY_TIME=tally,
                    PORT=str(port),
                    PUBLIC_URL=f"http://127.0.0.1:{port}",
                    SMTP_URL=mail.url,
                    MAIL_FROM="Coalition <sign@coalition.example.org>",
                    # Each web signer here comes through a proxy from an address of
                    # their own, as people do from their own homes and offices.
                    PROXY_HOPS="1",
                ),
            )
            bot.start()
            try:
                await bot.wait_healthy(bot.port)
                async with aiohttp.ClientSession() as session:
                    slack = SlackDriver(session, bot.events_url, fake)
                    web = Web(f"http://127.0.0.1:{port}", mail)
                    return await _drive(slack, fake, web, names, output, started)
            finally:
                # From a thread: the fake Slack, on this loop, answers its last updates.
                await asyncio.to_thread(bot.stop)
                await fake.stop()


async def _drive(
    slack: SlackDriver, fake: FakeSlack, web: Web, names: list[str], output: Path, started: float
) -> int:
    say("Posting the 2021 letter (16.7k characters) from a pasted message into two channels…")
    updated = len(fake.calls_to("views.update"))
    await slack.message_shortcut(
        "start_drive",
        {"text": escape(LETTER.read_text(encoding="utf-8"))},
        user=ORGANIZER,
        channel="CORGANIZING",
    )
    await fake.wait_for(lambda: len(fake.calls_to("views.update")) > updated)
    told_before = len(fake.ephemeral_to(ORGANIZER))
    values = form_values(
        title="100 days of enforcement reform", channels=list(CHANNELS), leads=[LEAD]
    )
    await slack.submit_view(latest_view(fake), values, user=ORGANIZER)
    await told(fake, ORGANIZER, since=told_before)

    on_the_web = [(n, name) for n, name in enumerate(names) if n % 3 == 2]
    say(
        f"{len(on_the_web)} organizations outside Slack signing on the letter's public page, "
        "each confirming from its email…"
    )
    page = await web.letter_page(fake)
    await web.sign(page, on_the_web)
    say(f"{len(names)} organizations signing in Slack, many two or three times, as people type…")
    sent = len(on_the_web)
    for n, name in enumerate(names):
        for k, spelling in enumerate(spellings(name, n)):
            if k == 0 and n % 3 == 2:
                continue  # signed on the web
            user, channel = f"U{n:03d}{k}", CHANNELS[(n + k) % 2]
            if k == 1 and n % 4 == 0:
                await _through_the_form(slack, fake, spelling, user=user, channel=channel)
            else:
                await slack.command("/signon", spelling, user=user, channel=channel)
            sent += 1

    before = len(fake.responses)
    await slack.command("/letter", "review", user=LEAD, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.responses) > before)
    queue = fake.responses[-1]
    pairs = [
        e["value"]
        for b in queue.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == MERGE_ACTION
    ]
    described = [b["text"]["text"] for b in queue.get("blocks", []) if b["type"] == "section"][1:]
    say(f"{len(pairs)} pairs went to review; the lead merges each:")
    for pair in described:
        print("   " + pair.replace("\n", "\n   ").replace("*", ""))
    for review in pairs:
        await _merge(slack, fake, review)

    say("Closing the letter…")
    await slack.command("/letter", "close", user=LEAD, channel="CCOALITION")
    await fake.wait_for(lambda: any(f.channel == f"D{LEAD}" for f in fake.shared_files), within=30)
    await fake.wait_for(
        lambda: len([f for f in fake.shared_files if f.channel == f"D{LEAD}"]) >= 6, within=30
    )
    received = [f for f in fake.shared_files if f.channel == f"D{LEAD}"]
    await asyncio.to_thread(_save, output, {f.filename: f.content for f in received})

    comment = received[0].comment
    headline = re.search(r"Signed by [^.]*\.", comment)
    listing = next(f for f in received if f.filename.endswith("-signers.txt")).content.decode()
    count = len([line for line in listing.splitlines()[2:] if line.strip()])
    print()
    say(f"What the lead received, {time.monotonic() - started:.0f} seconds after the start:")
    print(f"   {headline.group(0) if headline else comment}  ({sent} sign-ons sent)")
    print("   The list:")
    for line in listing.splitlines()[:8]:
        print(f"     {line}")
    print(f"     … {count - 6} more")
    print(f"   Files, in {output}/:")
    for file in received:
        print(f"     {file.filename}" + (f"  (alt text: {file.alt_text})" if file.alt_text else ""))
    if (
        count != EXPECTED
        or not headline
        or f"Signed by {EXPECTED} organizations" not in headline.group(0)
    ):
        say(f"Expected {EXPECTED} organizations; the list has {count}.")
        return 1
    return 0


async def _merge(slack: SlackDriver, fake: FakeSlack, review: str) -> None:
    answered = len(fake.responses)
    await slack.press(MERGE_ACTION, review, user=LEAD, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.responses) > answered)


async def _through_the_form(
    slack: SlackDriver, fake: FakeSlack, name: str, *, user: str, channel: str
) -> None:
    """Sign on with the button and the form, as a person who gives their details."""
    opened = len(fake.calls_to("views.open"))
    await slack.press(SIGN_ON_ACTION, "1", user=user, channel=channel)
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > opened)
    form = fake.calls_to("views.open")[-1].args["view"]
    answers = {
        SignonField.ORGANIZATION: name,
        SignonField.PERSON: f"Signer {user}",
        SignonField.TITLE: "Director",
        SignonField.CITY: "Chicago",
        SignonField.STATE: "IL",
    }
    await slack.submit_view(form, as_submitted(form, **answers), user=user)


class Web:
    """People outside Slack on the letter's public page, each from an address of their
    own: they fill in the form, read the email, and press Confirm."""

    def __init__(self, base: str, mail: SmtpServer) -> None:
        self._base = base
        self._mail = mail

    async def letter_page(self, fake: FakeSlack) -> str:
        """The public page's address, as the posted letter links to it."""
        found = next(
            (
                match.group(0)
                for message in fake.messages
                for match in re.finditer(rf"{re.escape(self._base)}/l/[\w-]+", str(message))
            ),
            None,
        )
        assert found is not None, "the posted letter has no link to its public page"
        return found

    async def sign(self, page: str, organizations: list[tuple[int, str]]) -> None:
        async with AsyncExitStack() as people:
            visitors = [
                await people.enter_async_context(self._visitor(f"198.51.100.{n % 250}"))
                for n, _ in organizations
            ]
            forms = await asyncio.gather(*(v.get(page) for v in visitors))
            await asyncio.sleep(FILL_SECONDS)  # people read before they sign
            await asyncio.gather(
                *(
                    v.post(page, {"csrf": form.csrf, **_web_fields(n, name)})
                    for v, form, (n, name) in zip(visitors, forms, organizations, strict=True)
                )
            )
            emails = {}
            for _ in organizations:
                received = await self._mail.next(within=30)
                emails[received.recipients[0]] = links_in(received.message)["confirm"]
            confirming = [
                (v, path_of(emails[_web_fields(n, name)["email"]]))
                for v, (n, name) in zip(visitors, organizations, strict=True)
            ]
            pages = await asyncio.gather(*(v.get(link) for v, link in confirming))
            await asyncio.sleep(FILL_SECONDS)
            done = await asyncio.gather(
                *(
                    v.post(link, {"csrf": shown.csrf})
                    for (v, link), shown in zip(confirming, pages, strict=True)
                )
            )
            assert all(d.shows("Signed") for d in done), [d.text for d in done if d.status != 200]

    @asynccontextmanager
    async def _visitor(self, address: str) -> AsyncIterator[Visitor]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            yield Visitor(session, self._base, address)


def _web_fields(n: int, name: str) -> dict[str, str]:
    return {
        "kind": "organization",
        "organization": name,
        "person": f"Web signer {n}",
        "title": "Director",
        "email": f"signer{n}@org{n}.example.org",
        "public": "yes",
    }


def _save(output: Path, files: dict[str, bytes]) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (output / name).write_bytes(content)


def say(text: str) -> None:
    print(f"• {text}", flush=True)


def main() -> int:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output")
    return asyncio.run(play(output))


if __name__ == "__main__":
    sys.exit(main())
