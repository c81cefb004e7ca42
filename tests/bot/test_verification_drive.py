"""A drive against a roster of 60 members with domains and contacts, tried as a new
user would: 8 sign as roster contacts, 6 from a member's own domain (their Slack
profile's email, or an email confirmed on the public page), 6 strangers sign for roster
members (two with gmail.com), 4 organizations off the roster sign. Exactly those levels
come out, in the JSON and the CSV, and the headline and the lead's tally count what is
verified. Each stranger's organization is asked whether it signed, once; one No
withdraws its entry, one Yes confirms another."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client, public_pages
from bot.rules.letters import DEFAULT_STYLE, Letter, NewLetter
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import plan
from bot.rules.verification import Answer
from bot.services.answers import Answers
from bot.services.dispatch import Dispatcher
from bot.services.exports import export_of
from bot.services.people import People
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.questions import QUESTION_NO_ACTION
from bot.slack.letters import publish_letter
from bot.storage import Store
from bot.texts.exports import Export, as_csv, as_json
from bot.texts.roster import read_roster
from tests.conftest import LEAD, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack, Message
from tests.helpers import all_text, coalition, workspaces_for

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=3)
MEMBERS = 60


def name(n: int) -> str:
    return f"{['Alianza', 'Comunidad', 'Puente', 'Raices', 'Unidos'][n % 5]} Collective {n}"


def domain(n: int) -> str:
    return f"collective{n}.org"


def value_of(message: Message, action_id: str) -> str:
    """The value of the message's button `action_id`."""
    return next(
        str(element["value"])
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    )


def roster_csv() -> bytes:
    """Every member with one Slack contact, an email contact and its domain."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization", "Slack ID", "Email", "Domains"])
    for n in range(MEMBERS):
        writer.writerow([name(n), f"UM{n:02d}", f"director@{domain(n)}", domain(n)])
    return out.getvalue().encode()


async def exported(
    store: Store, client: AsyncWebClient, settings: Settings, letter: Letter, *, now: datetime
) -> Export:
    """The letter's export as an organizer gets it, people named as Slack has them."""
    return await export_of(
        store,
        People(store=store, workspaces=workspaces_for(client)),
        letter,
        now=now,
        zone=ZONE,
        roster_contacts=True,
        style=DEFAULT_STYLE,
        pages=public_pages(settings),
    )


async def test_each_entry_gets_exactly_its_level(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    coalition(fake_slack)
    client = build_client(settings, retries=False)
    await store.roster.save(read_roster(roster_csv()).members, accounts={}, now=T0)
    new = NewLetter(
        "Protect our communities",
        "Secretary Doe",
        "Dear Secretary,\n\nAct.",
        DEADLINE,
        ("CCOALITION",),
        (LEAD,),
        None,
        ORGANIZER,
    )
    letter = await store.letters.create(new, plan=plan(DEADLINE, (), zone=ZONE, now=T0), now=T0)
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    signons = SignOns(store=store, live_count=None)
    at = T0 + timedelta(hours=1)

    async def sign(org: str, *, user: str, email: str | None = None) -> None:
        web = user.startswith("web:")
        submission = Submission(
            kind=SignerKind.ORGANIZATION,
            name=org,
            person_name="Ana Pérez",
            email=email,
            user_id=user,
        )
        await signons.sign(None, letter, submission, now=at)
        assert web or email is None

    expected: dict[str, tuple[str, str | None]] = {}
    # 8 roster contacts: 6 in Slack, 2 by the email confirmed on the public page.
    for n in range(6):
        await sign(name(n), user=f"UM{n:02d}")
        expected[name(n)] = ("contact", f"UM{n:02d}")
    for n in (6, 7):
        await sign(name(n), user=f"web:c{n}", email=f"Director@{domain(n)}")
        expected[name(n)] = ("contact", f"Director@{domain(n)}")
    # 6 from the member's domain: 3 whose Slack profile is on it, 3 confirmed on the web.
    for n in (8, 9, 10):
        fake_slack.add_user(f"USTAFF{n}", name=f"Staff {n}", email=f"staff@{domain(n)}")
        await sign(name(n).upper(), user=f"USTAFF{n}")
        expected[name(n)] = ("domain", domain(n))
    for n in (11, 12, 13):
        await sign(name(n), user=f"web:d{n}", email=f"intern@{domain(n)}")
        expected[name(n)] = ("domain", domain(n))
    # 6 strangers for roster members: two from gmail.com on the web, two in Slack with
    # a profile elsewhere, two in Slack claiming the domain only in the form.
    for n in (14, 15):
        await sign(name(n), user=f"web:s{n}", email=f"{domain(n)}@gmail.com")
    for n in (16, 17):
        fake_slack.add_user(f"USTRANGER{n}", name=f"Stranger {n}", email=f"x{n}@rival.org")
        await sign(name(n), user=f"USTRANGER{n}")
    for n in (18, 19):
        fake_slack.add_user(f"UNOEMAIL{n}", name=f"No email {n}")
        await sign(name(n), user=f"UNOEMAIL{n}")
    for n in range(14, 20):
        expected[name(n)] = ("unverified", None)
    # 4 organizations off the roster, one of them signed from its own domain.
    for k, org in enumerate(["Casa Latina", "Voces Unidas", "Mijente", "Adelante Alabama"]):
        await sign(org, user=f"web:o{k}", email=f"ed@{org.split()[0].lower()}.org")
        expected[org] = ("unverified", None)

    export = await exported(store, client, settings, letter, now=at)
    document = json.loads(as_json(letter, export.signers, (), extras=export.extras))
    levels = {
        s["name"].casefold(): (s["verification"], s["verified_by"]) for s in document["signers"]
    }
    assert levels == {org.casefold(): level for org, level in expected.items()}
    assert document["headline"] == "Signed by 24 organizations, 10 not yet verified."

    rows = list(csv.DictReader(io.StringIO(as_csv(export.signers, extras=export.extras))))
    assert {r["name"].casefold(): (r["verification"], r["verified_by"] or None) for r in rows} == (
        levels
    )

    # The lead's tally says how many are verified.
    dispatcher = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0))
    await dispatcher.run_due(at)  # plans the tallies
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    (tally,) = [all_text(m) for m in fake_slack.messages if m.channel == LEAD]
    assert "*24* organizations, *14* verified" in tally

    # Each stranger's organization is asked once, by its roster contact, whatever
    # restarts (the tally's pass looked for what to ask); nobody else is asked.
    looked = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    restarted = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0))
    for process in (dispatcher, dispatcher, restarted):
        await process.run_due(looked)
    asked = {m.channel: m for m in fake_slack.messages if QUESTION_NO_ACTION in str(m.blocks)}
    assert sorted(asked) == [f"UM{n}" for n in range(14, 20)]
    assert len([m for m in fake_slack.messages if QUESTION_NO_ACTION in str(m.blocks)]) == 6

    # One says No: its entry is withdrawn. One says Yes: its entry is confirmed.
    answers = Answers(store=store)
    for n, answer in ((16, Answer.NO), (14, Answer.YES)):
        question_id = int(value_of(asked[f"UM{n}"], QUESTION_NO_ACTION))
        await answers.answer(question_id, answer, by=f"UM{n}", now=looked)
    export = await exported(store, client, settings, letter, now=looked)
    document = json.loads(as_json(letter, export.signers, (), extras=export.extras))
    assert document["headline"] == "Signed by 23 organizations, 8 not yet verified."
    levels = {s["name"]: (s["verification"], s["verified_by"]) for s in document["signers"]}
    assert levels[name(14)] == ("confirmed", "UM14") and name(16) not in levels
    assert fake_slack.rejected == []


async def test_without_a_roster_nothing_is_said_of_verification(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    """No roster, nothing to verify by: every entry `unverified` in the JSON, and no
    "not yet verified" in the headline."""
    coalition(fake_slack)
    client = build_client(settings, retries=False)
    new = NewLetter("Letter", "To", "Text.", DEADLINE, ("CCOALITION",), (), None, ORGANIZER)
    letter = await store.letters.create(new, plan=plan(DEADLINE, (), zone=ZONE, now=T0), now=T0)
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    submission = Submission(kind=SignerKind.ORGANIZATION, name="CASA", user_id="U1")
    await SignOns(store=store, live_count=None).sign(None, letter, submission, now=T0)
    export = await exported(store, client, settings, letter, now=T0)
    document = json.loads(as_json(letter, export.signers, (), extras=export.extras))
    assert document["headline"] == "Signed by 1 organization."
    assert [(s["verification"], s["verified_by"]) for s in document["signers"]] == [
        ("unverified", None)
    ]
