"""A drive against a roster, on a frozen clock: 60 member organizations (the 2021
fixture's first 60), 40 sign over two days under the spellings people type, and each
reminder chases the other 20. Each of their contacts gets exactly one DM per reminder;
nobody who signed or opted out gets one; the lead's tally names who is missing."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client
from bot.rules.letters import Letter, NewLetter
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import parse_offsets, plan
from bot.services.dispatch import Dispatcher
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.chase import CHASE_OPT_OUT_ACTION
from bot.slack.letters import publish_letter
from bot.storage import Store
from bot.texts.imports import read_signons
from bot.texts.roster import read_roster
from tests.conftest import FIXTURES, LEAD, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, workspaces_for

# Monday 30 November 2026, 10:00 in New York; the tally at 9:00.
T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=3)
REMINDERS = parse_offsets("2d,1d")  # Tuesday and Wednesday, 10:00


def fixture_names() -> list[str]:
    data = (FIXTURES / "google-forms-signons-2021-enforcement-reform.csv").read_bytes()
    names = [row.submission.name for row in read_signons(data, zone=ZONE).rows]
    return list(dict.fromkeys(names))[:60]


def roster_csv(names: list[str]) -> bytes:
    """Each member with one Slack contact, every third with a second; every fifth also
    with an email Slack doesn't know (never chased, never a failure)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization", "State", "Slack ID", "Email"])
    for n, name in enumerate(names):
        slack = f"UM{n:02d}A" + (f";UM{n:02d}B" if n % 3 == 0 else "")
        email = f"member{n}@example.org" if n % 5 == 0 else ""
        writer.writerow([name, "NY" if n % 2 else "CA", slack, email])
    return out.getvalue().encode()


def spelled(name: str, n: int) -> str:
    """How people retype a name: all caps, lower case, "Inc." added, "The" added."""
    return [name.upper(), name.lower(), f"{name}, Inc.", f"The {name}", name][n % 5]


async def sign(signons: SignOns, letter: Letter, name: str, *, user: str, at: datetime) -> None:
    submission = Submission(kind=SignerKind.ORGANIZATION, name=name, user_id=user)
    await signons.sign(None, letter, submission, now=at)


def chases(fake: FakeSlack) -> Counter[str]:
    return Counter(
        m.channel
        for m in fake.messages
        if m.channel.startswith("U") and CHASE_OPT_OUT_ACTION in str(m.blocks)
    )


async def test_a_drive_against_a_roster_of_60(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    coalition(fake_slack)
    client: AsyncWebClient = build_client(settings, retries=False)
    names = fixture_names()
    await store.roster.save(read_roster(roster_csv(names)).members, accounts={}, now=T0)
    new = NewLetter(
        title="Protect our communities",
        addressee="Secretary Doe",
        body="Dear Secretary,\n\nAct.",
        deadline=DEADLINE,
        channels=("CCOALITION",),
        leads=(LEAD,),
        goal=60,
        created_by=ORGANIZER,
        reminders=REMINDERS,
    )
    letter = await store.letters.create(
        new, plan=plan(DEADLINE, REMINDERS, zone=ZONE, now=T0), now=T0
    )
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    signons = SignOns(store=store, live_count=None)
    dispatcher = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0))

    # Monday: 25 sign, half of them by one of their own contacts, the rest by someone
    # not on the roster; each under a spelling of its own.
    for n in range(25):
        user = f"UM{n:02d}A" if n % 2 else f"UOTHER{n}"
        await sign(signons, letter, spelled(names[n], n), user=user, at=T0 + timedelta(hours=1))
    await dispatcher.run_due(T0 + timedelta(hours=2))

    # Tuesday 10:00: the first reminder chases the 35 that haven't signed.
    first = DEADLINE - REMINDERS[0]
    await dispatcher.run_due(first)
    unsigned = range(25, 60)
    expected = {f"UM{n:02d}A" for n in unsigned} | {f"UM{n:02d}B" for n in unsigned if n % 3 == 0}
    assert chases(fake_slack) == Counter(expected)
    # Again, and from a second process: nothing more.
    await dispatcher.run_due(first + timedelta(minutes=1))
    await Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0)).run_due(
        first + timedelta(minutes=2)
    )
    assert chases(fake_slack) == Counter(expected)

    # Two contacts opt out; 15 more sign over Tuesday (40 in all).
    opted_out = {"UM50A", "UM51A"}
    for user in opted_out:
        await store.roster.opt_out(letter.id, user, now=first)
    for n in range(25, 40):
        await sign(
            signons,
            letter,
            spelled(names[n], n),
            user=f"USOMEONE{n}",
            at=first + timedelta(hours=n - 24),
        )

    # Wednesday 9:00: the lead's tally names the 20 still missing.
    await dispatcher.run_due(datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    tally = [
        all_text(m) for m in fake_slack.messages if m.channel == LEAD and "Daily tally" in m.text
    ][-1]
    assert "*40 of 60* signed" in tally
    assert "*40 of 60* members signed. *Not yet (20):* " in tally
    assert names[40] in tally.replace("&amp;", "&")

    # Wednesday 10:00: the second reminder chases the 20, once each, but the opted out.
    second = DEADLINE - REMINDERS[1]
    await dispatcher.run_due(second)
    still = range(40, 60)
    again = (
        {f"UM{n:02d}A" for n in still} | {f"UM{n:02d}B" for n in still if n % 3 == 0}
    ) - opted_out
    assert chases(fake_slack) == Counter(expected) + Counter(again)
    # Nobody who signed, or whose organization signed, heard a second time.
    signed_contacts = {f"UM{n:02d}{x}" for n in range(40) for x in "AB"}
    assert not signed_contacts & {user for user, count in chases(fake_slack).items() if count > 1}
    assert fake_slack.rejected == []
