""" "Did your organization sign?": when a roster member's entry is unverified, each of
the member's contacts is asked once, through the delivery queue, whatever restarts;
a Yes confirms it, a No withdraws it, tells the leads and the signer, and keeps it out
of the count unless an organizer restores it."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter
from bot.rules.problems import NotAsked, QuestionGone
from bot.rules.signons import SignerKind, SignerStatus, Submission
from bot.rules.timing import verify_due
from bot.rules.verification import Answer, Ask, Verification
from bot.services.answers import Answers
from bot.services.dispatch import Dispatcher
from bot.services.people import People
from bot.services.signons import SignOns
from bot.services.verification import Verifications
from bot.slack.blocks.questions import QUESTION_NO_ACTION, QUESTION_YES_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.bot.test_dispatch import T0, TALLY_AT, dms, posted
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack, Message
from tests.helpers import all_text, coalition, workspaces_for

DEADLINE = T0 + timedelta(days=5)
SIGNED = T0 + timedelta(hours=1)
LOOKED = verify_due(SIGNED)
CASA = "Casa de Maryland"


def roster() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization", "Slack ID", "Email", "Domains"])
    writer.writerow([CASA, "UCASA1", "", "casamd.org"])
    writer.writerow([CASA, "UCASA2", "", ""])
    writer.writerow(["CHIRLA", "UCHIRLA", "", "chirla.org"])
    writer.writerow(["Poder Latinx", "", "ed@poderlatinx.org", "poderlatinx.org"])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def people(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    fake_slack.add_user("USTRANGER", name="Stranger", email="casa.fan@gmail.com")
    for user in ("UCASA1", "UCASA2", "UCHIRLA"):
        fake_slack.add_user(user, name=user.lower(), email=f"{user.lower()}@example.org")


@pytest.fixture
async def letter(store: Store, client: AsyncWebClient) -> Letter:
    await store.roster.save(read_roster(roster()).members, accounts={}, now=T0)
    return await posted(store, client, deadline=DEADLINE)


def dispatcher_for(store: Store, client: AsyncWebClient) -> Dispatcher:
    """A process's dispatcher: each call is another process, or the same after a restart."""
    return Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)


async def sign(store: Store, letter: Letter, org: str, *, user: str, at: datetime = SIGNED) -> None:
    submission = Submission(
        kind=SignerKind.ORGANIZATION,
        name=org,
        person_name="Sam Stranger",
        title="Volunteer",
        user_id=user,
    )
    signons = SignOns(store=store, live_count=None)
    await signons.sign(None, letter, submission, now=at)
    await signons.settle()


async def run(dispatcher: Dispatcher, at: datetime) -> None:
    """Two passes: the look plans the questions, the next sends them."""
    await dispatcher.run_due(at)
    await dispatcher.run_due(at)


async def casa_asked(
    store: Store, client: AsyncWebClient, fake: FakeSlack, letter: Letter
) -> Message:
    """A stranger signs for Casa; the question its first contact gets about it."""
    await sign(store, letter, CASA, user="USTRANGER")
    await run(dispatcher_for(store, client), LOOKED)
    (question,) = questions_to(fake, "UCASA1")
    return question


def questions_to(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in dms(fake, user) if QUESTION_YES_ACTION in str(m.blocks)]


def buttons(message: Message) -> dict[str, str]:
    """The question's buttons' values, by action."""
    return {
        element["action_id"]: element["value"]
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def levels(store: Store, client: AsyncWebClient, letter: Letter) -> dict[str, str]:
    """Each counted entry's verification level, by name."""
    entries = await store.signatures.signers(letter.id)
    people = People(store=store, workspaces=workspaces_for(client))
    found = await Verifications(store=store, people=people).of(letter.id, entries, now=LOOKED)
    return {entry.name: found[entry.id].level.value for entry in entries}


async def test_each_contact_is_asked_once_whatever_restarts(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    await sign(store, letter, CASA, user="USTRANGER")
    first = dispatcher_for(store, client)
    await run(first, SIGNED + timedelta(minutes=1))
    assert questions_to(fake_slack, "UCASA1") == []  # time for a contact to sign too

    await run(first, LOOKED)
    for contact in ("UCASA1", "UCASA2"):
        (question,) = questions_to(fake_slack, contact)
        assert (
            f"Someone signed *Protect our communities* for *{CASA}* as *Sam Stranger*, "
            "Volunteer. Did your organization sign?"
        ) in all_text(question)
        assert set(buttons(question)) == {QUESTION_YES_ACTION, QUESTION_NO_ACTION}
    # Another process, a restart, a later sign-on that brings another look: nobody is
    # asked again about the same entry.
    await sign(store, letter, "Voces Unidas", user="UVOCES", at=LOOKED)
    again = dispatcher_for(store, client)
    await run(again, LOOKED)
    await run(again, verify_due(LOOKED))
    await run(dispatcher_for(store, client), LOOKED + timedelta(days=1))
    assert [len(questions_to(fake_slack, c)) for c in ("UCASA1", "UCASA2")] == [1, 1]
    assert questions_to(fake_slack, "UCHIRLA") == []
    assert fake_slack.rejected == []


async def test_an_entry_verified_within_the_window_is_not_asked_about(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    await sign(store, letter, "CHIRLA", user="USTRANGER")
    await sign(store, letter, "chirla", user="UCHIRLA", at=SIGNED + timedelta(minutes=5))
    await run(dispatcher_for(store, client), LOOKED)
    assert questions_to(fake_slack, "UCHIRLA") == []
    assert await levels(store, client, letter) == {"CHIRLA": "contact"}


async def test_yes_confirms_and_the_first_answer_stands(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    await sign(store, letter, CASA, user="USTRANGER")
    await run(dispatcher_for(store, client), LOOKED)
    answers = Answers(store=store)
    (yes,) = questions_to(fake_slack, "UCASA1")
    (no,) = questions_to(fake_slack, "UCASA2")
    question_id = int(buttons(yes)[QUESTION_YES_ACTION])
    answered = await answers.answer(question_id, Answer.YES, by="UCASA1", now=LOOKED)
    assert (answered.answered, answered.by_them) == (Answer.YES, True)
    assert await levels(store, client, letter) == {CASA: Verification.CONFIRMED.value}

    # A colleague answering No afterwards is told the first answer stands.
    later = await answers.answer(
        int(buttons(no)[QUESTION_NO_ACTION]), Answer.NO, by="UCASA2", now=LOOKED
    )
    assert (later.answered, later.by_them) == (Answer.YES, False)
    assert await store.signatures.count(letter.id) == 1


async def test_only_the_contact_asked_may_answer(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    question = await casa_asked(store, client, fake_slack, letter)
    question_id = int(buttons(question)[QUESTION_YES_ACTION])
    answers = Answers(store=store)
    for someone in ("USTRANGER", "UCASA2", "UCHIRLA"):
        with pytest.raises(NotAsked):
            await answers.answer(question_id, Answer.YES, by=someone, now=LOOKED)
    with pytest.raises(QuestionGone):
        await answers.answer(question_id + 100, Answer.YES, by="UCASA1", now=LOOKED)
    # No longer a contact once the roster changes: their answer isn't taken.
    changed = roster().replace(b"UCASA1", b"UCASA9")
    await store.roster.save(read_roster(changed).members, accounts={}, now=LOOKED)
    with pytest.raises(NotAsked):
        await answers.answer(question_id, Answer.YES, by="UCASA1", now=LOOKED)
    assert await levels(store, client, letter) == {CASA: "unverified"}


async def test_no_withdraws_tells_the_leads_and_the_signer_and_keeps_it_out(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    await sign(store, letter, CASA, user="USTRANGER")
    dispatcher = dispatcher_for(store, client)
    await run(dispatcher, LOOKED)
    (question,) = questions_to(fake_slack, "UCASA2")
    answered = await Answers(store=store).answer(
        int(buttons(question)[QUESTION_NO_ACTION]), Answer.NO, by="UCASA2", now=LOOKED
    )
    assert (answered.answered, answered.by_them) == (Answer.NO, True)
    assert await store.signatures.count(letter.id) == 0
    (withdrawal,) = [c for c in await store.entries.audit(letter.id) if c.field == "status"]
    assert (withdrawal.changed_by, withdrawal.after) == ("UCASA2", "withdrawn")
    assert withdrawal.reason == f"{CASA}'s roster contact answered that it didn't sign"

    await dispatcher.run_due(LOOKED)
    (told,) = [all_text(m) for m in dms(fake_slack, LEAD)]
    assert f"*{CASA}* says it didn't sign *Protect our communities*" in told
    assert "<@UCASA2>" in told and "Sam Stranger" in told and "/letter signers" in told
    # The signer learns the outcome and whom to ask, never who was asked or answered.
    (outcome,) = [all_text(m) for m in dms(fake_slack, "USTRANGER") if "withdrawn" in m.text]
    assert f"Your signature for *{CASA}* on *Protect our communities* was withdrawn" in outcome
    assert f"<@{LEAD}>" in outcome and "UCASA" not in outcome

    # Signing again makes a new entry, which the next look withdraws without asking.
    await sign(store, letter, CASA, user="USTRANGER", at=LOOKED + timedelta(minutes=1))
    assert await store.signatures.count(letter.id) == 1
    await run(dispatcher, verify_due(LOOKED + timedelta(minutes=1)))
    assert await store.signatures.count(letter.id) == 0
    assert [len(questions_to(fake_slack, c)) for c in ("UCASA1", "UCASA2")] == [1, 1]
    assert "withdrawn without asking" in all_text(dms(fake_slack, LEAD)[-1])

    # Restored by an organizer, the first entry counts, and no look withdraws it again.
    first = min(e.id for e in await store.entries.search(letter.id))
    await store.entries.restore(first, by=LEAD, now=LOOKED + timedelta(hours=1), reason="")
    await sign(store, letter, "Voces Unidas", user="UVOCES", at=LOOKED + timedelta(hours=1))
    await run(dispatcher, verify_due(LOOKED + timedelta(hours=1)))
    statuses = {e.id: e.status for e in await store.entries.search(letter.id)}
    assert statuses[first] is SignerStatus.ACTIVE
    assert await store.signatures.count(letter.id) == 2
    assert fake_slack.rejected == []


async def test_a_question_about_an_entry_withdrawn_meanwhile_is_no_longer_open(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, letter: Letter
) -> None:
    question = await casa_asked(store, client, fake_slack, letter)
    (entry,) = await store.signatures.signers(letter.id)
    await store.entries.withdraw(entry.id, by="USTRANGER", now=LOOKED, reason="changed my mind")
    with pytest.raises(QuestionGone):
        await Answers(store=store).answer(
            int(buttons(question)[QUESTION_YES_ACTION]), Answer.YES, by="UCASA1", now=LOOKED
        )


async def test_two_processes_asking_at_once_ask_each_contact_once(
    store: Store, letter: Letter
) -> None:
    """Both plan the same questions; the second finds them planned and adds nothing."""
    await sign(store, letter, CASA, user="USTRANGER")
    (entry,) = await store.signatures.signers(letter.id)
    member = next(m for m in await store.roster.members() if m.name == CASA)
    asks = [Ask(entry.id, member.id, "UCASA1"), Ask(entry.id, member.id, "UCASA2")]
    assert await store.questions.ask(letter.id, asks, now=LOOKED) == 2
    assert await store.questions.ask(letter.id, asks, now=LOOKED) == 0
    assert len(await store.questions.of_letter(letter.id)) == 2
