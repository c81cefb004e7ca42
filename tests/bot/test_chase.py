"""Chasing the roster's members that haven't signed, on a frozen clock: with each
reminder, one DM to each Slack contact of each unsigned member; none to a member that
signed (under any spelling dedupe knows), to a contact who signed or opted out; and
none sent twice, across a restart too."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter
from bot.rules.schedule import JobKind
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import clock
from bot.services.dispatch import Dispatcher
from bot.services.people import People
from bot.services.signons import SignOns
from bot.slack.blocks.chase import CHASE_OPT_OUT_ACTION, CHASE_SIGN_ON_ACTION
from bot.storage import Store
from bot.storage.schema import scheduled_jobs
from bot.texts.roster import read_roster
from tests.bot.test_dispatch import DEFAULT, T0, TALLY_AT, dms, posted, reminders_in
from tests.conftest import ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import coalition, workspaces_for

ROSTER = (
    b"Organization,State,Slack ID,Email\n"
    b"Make the Road New York,NY,UMRNY1;UMRNY2,\n"
    b"CASA,MD,UCASA,\n"
    b"CHIRLA,CA,UCHIRLA,\n"
    b"Florida Immigrant Coalition,FL,UFLIC,\n"
    b"National Immigration Law Center,DC,UNILC,nobody@nilc.org\n"
    b"UnidosUS,DC,UUNIDOS,\n"
    b"Texas Civil Rights Project,TX,,\n"
)
EVERY_CONTACT = {"UMRNY1", "UMRNY2", "UCASA", "UCHIRLA", "UFLIC", "UNILC", "UUNIDOS"}


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


def dispatcher_for(store: Store, client: AsyncWebClient) -> Dispatcher:
    return Dispatcher(
        store=store,
        workspaces=workspaces_for(client),
        tally_time=TALLY_AT,
        people=People(store=store, workspaces=workspaces_for(client)),
    )


async def sign(store: Store, letter: Letter, name: str, *, user: str, state: str = "") -> None:
    submission = Submission(
        kind=SignerKind.ORGANIZATION, name=name, state=state or None, user_id=user
    )
    await SignOns(store=store, live_count=None).sign(None, letter, submission, now=T0)


def chased(fake: FakeSlack) -> dict[str, int]:
    """How many chases each roster contact has had."""
    return {
        user: n
        for user in EVERY_CONTACT
        if (n := sum(1 for m in dms(fake, user) if CHASE_OPT_OUT_ACTION in str(m.blocks)))
    }


@pytest.fixture
async def letter(store: Store, client: AsyncWebClient, fake_slack: FakeSlack) -> Letter:
    fake_slack.add_user("UMRNY1", name="ana", real_name="Ana Ruiz", tz="America/Los_Angeles")
    found = await posted(store, client, deadline=T0 + timedelta(days=8))
    await store.roster.save(read_roster(ROSTER).members, accounts={}, now=T0)
    # CASA signed by someone else; UnidosUS under another spelling; the FLIC contact for
    # another organization; CHIRLA's contact asked for no reminders.
    await sign(store, found, "CASA, Inc.", user="UOTHER1", state="MD")
    await sign(store, found, "Unidos US", user="UOTHER2", state="DC")
    await sign(store, found, "Florida Justice Institute", user="UFLIC", state="FL")
    await sign(store, found, "New York Immigration Coalition", user="UOTHER3", state="New York")
    await store.roster.opt_out(found.id, "UCHIRLA", now=T0)
    return found


async def test_each_reminder_chases_each_contact_of_a_member_that_has_not_signed_once(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    first = T0 + timedelta(days=1, minutes=1)  # the 7-day reminder
    await dispatcher_for(store, client).run_due(first)
    assert len(reminders_in(fake_slack, "CCOALITION")) == 1
    assert chased(fake_slack) == {"UMRNY1": 1, "UMRNY2": 1, "UNILC": 1}

    (dm,) = dms(fake_slack, "UMRNY1")
    text = str(dm.blocks)
    assert "*Make the Road New York* has not signed *Protect our communities* yet" in text
    # The deadline in the coalition's timezone, and in theirs (read with users.info).
    local = letter.deadline.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"{clock(letter.deadline, ZONE)} ({local:%-I:%M %p} your time)" in text
    assert "Signed from NY: New York Immigration Coalition." in text
    buttons = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    member_id = next(m.id for m in await store.roster.members() if m.name.startswith("Make"))
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (f"{CHASE_SIGN_ON_ACTION}_{member_id}", f"{letter.id}:{member_id}"),
        (CHASE_OPT_OUT_ACTION, str(letter.id)),
    ]

    # Run again, and again after a restart (a new process): nothing goes out twice.
    await dispatcher_for(store, client).run_due(first + timedelta(minutes=1))
    async with Store(store.engine.url.render_as_string(hide_password=False)) as restarted:
        await dispatcher_for(restarted, client).run_due(first + timedelta(minutes=2))
    assert chased(fake_slack) == {"UMRNY1": 1, "UMRNY2": 1, "UNILC": 1}

    # Before the next reminder: one contact opts out, and NILC signs (as NILC's name
    # spelled otherwise, by someone not on the roster).
    await store.roster.opt_out(letter.id, "UMRNY1", now=first)
    await sign(store, letter, "National Immigration Law Center, Inc.", user="UOTHER4")
    await dispatcher_for(store, client).run_due(T0 + timedelta(days=5, minutes=1))
    assert len(reminders_in(fake_slack, "CCOALITION")) == 2
    assert chased(fake_slack) == {"UMRNY1": 1, "UMRNY2": 2, "UNILC": 1}


async def test_a_contact_whose_member_signs_after_the_chase_was_planned_is_not_sent_it(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    """The chase is weighed again as it is sent: a sign-on between the two counts."""
    due = T0 + timedelta(days=1, minutes=1)
    await store.deliveries.expand_due(due)
    await sign(store, letter, "Make the Road NY", user="UOTHER5", state="NY")
    await dispatcher_for(store, client).run_due(due)
    assert chased(fake_slack) == {"UNILC": 1}


async def test_without_a_roster_a_reminder_chases_nobody(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    await posted(store, client, deadline=T0 + timedelta(days=8), reminders=DEFAULT)
    await dispatcher_for(store, client).run_due(T0 + timedelta(days=1, minutes=1))
    assert len(reminders_in(fake_slack, "CCOALITION")) == 1
    assert not [m for m in fake_slack.messages if m.channel.startswith("U")]


async def test_a_chase_asked_for_goes_out_at_once_and_not_twice(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    now = T0 + timedelta(hours=2)
    assert await store.planning.chase_now(letter.id, now=now)
    assert not await store.planning.chase_now(letter.id, now=now)  # still to go out
    await dispatcher_for(store, client).run_due(now)
    assert chased(fake_slack) == {"UMRNY1": 1, "UMRNY2": 1, "UNILC": 1}
    assert not reminders_in(fake_slack, "CCOALITION")
    # Once it has gone out, another may be asked for.
    assert await store.planning.chase_now(letter.id, now=now + timedelta(minutes=5))


async def test_closing_the_letter_drops_the_chases_still_planned(
    store: Store, client: AsyncWebClient, letter: Letter
) -> None:
    await store.letters.close_now(letter.id, now=T0 + timedelta(hours=1))
    await dispatcher_for(store, client).run_due(T0 + timedelta(days=2))
    async with store.engine.connect() as conn:
        pending = (
            await conn.execute(
                sa.select(sa.func.count()).where(
                    scheduled_jobs.c.kind == JobKind.CHASE.value,
                    scheduled_jobs.c.state == "pending",
                )
            )
        ).scalar()
    assert pending == 0


async def test_a_contact_is_chased_about_a_letter_at_most_once_in_twenty_hours(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    """Whatever sends it, a lead's chase or a reminder's, a second chase within 20
    hours of the last skips the contact; after 20 hours it goes out again."""
    now = T0 + timedelta(hours=2)
    await store.planning.chase_now(letter.id, now=now)
    await store.planning.chase_now(letter.id, now=now + timedelta(seconds=1))
    await dispatcher_for(store, client).run_due(now + timedelta(seconds=1))
    assert chased(fake_slack) == {"UMRNY1": 1, "UMRNY2": 1, "UNILC": 1}
    later = now + timedelta(hours=19)
    await store.planning.chase_now(letter.id, now=later)
    await dispatcher_for(store, client).run_due(later)
    # The 7-day reminder's chase, 23 hours after the first: it goes out.
    await dispatcher_for(store, client).run_due(T0 + timedelta(days=1, minutes=1))
    assert chased(fake_slack) == {"UMRNY1": 2, "UMRNY2": 2, "UNILC": 2}
    recent = await store.history.chased_since(letter.id, since=now + timedelta(hours=20))
    assert set(recent) == {"UMRNY1", "UMRNY2", "UNILC"}
