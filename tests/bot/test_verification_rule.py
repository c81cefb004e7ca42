"""Each letter's rule for sign-ons not yet verified: every sign-on counts, the
unverified flagged to organizers (the default); or an organization's sign-on waits,
neither counted nor listed, until it is verified (by a roster contact signing, its own
domain, a contact's Yes, or an organizer), with organizations off the roster counting
at once only if the letter says anyone may sign."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter, NewLetter, VerificationRule, WhoCounts
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import plan, verify_due
from bot.rules.verification import Answer
from bot.services.answers import Answers
from bot.services.dispatch import Dispatcher
from bot.services.reviews import Reviews
from bot.services.signons import SignOns
from bot.slack.blocks.questions import QUESTION_YES_ACTION
from bot.slack.blocks.reviews import COUNT_WAITING_ACTION
from bot.slack.blocks.signon_replies import WAITS_TO_COUNT, recorded_text
from bot.slack.letters import publish_letter
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.bot.test_dispatch import T0, TALLY_AT, dms
from tests.conftest import LEAD, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, as_edit, coalition, workspace_for, workspaces_for

DEADLINE = T0 + timedelta(days=5)
SIGNED = T0 + timedelta(hours=1)
LOOKED = verify_due(SIGNED, hold=True)


def roster() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization", "Slack ID", "Domains"])
    writer.writerow(["Casa de Maryland", "UCASA", "casamd.org"])
    writer.writerow(["CHIRLA", "UCHIRLA", "chirla.org"])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def people(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    fake_slack.add_user("USTRANGER", name="Stranger", email="fan@gmail.com")
    fake_slack.add_user("USTAFF", name="Staff", email="staff@chirla.org")


async def letter_with(store: Store, client: AsyncWebClient, who_counts: WhoCounts) -> Letter:
    await store.roster.save(read_roster(roster()).members, accounts={}, now=T0)
    rule, anyone = who_counts.rule
    new = NewLetter(
        "Protect our communities",
        "Secretary Doe",
        "Dear Secretary,\n\nAct.",
        DEADLINE,
        ("CCOALITION",),
        (LEAD,),
        None,
        ORGANIZER,
        verification_rule=rule,
        anyone_may_sign=anyone,
    )
    letter = await store.letters.create(new, plan=plan(DEADLINE, (), zone=ZONE, now=T0), now=T0)
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    found = await store.letters.get(letter.id)
    assert found is not None
    return found


async def sign(
    store: Store,
    letter: Letter,
    name: str,
    *,
    user: str,
    kind: SignerKind = SignerKind.ORGANIZATION,
) -> str:
    """Sign, as `user` would in Slack; what they are told."""
    submission = Submission(kind=kind, name=name, person_name="Sam Doe", user_id=user)
    signons = SignOns(store=store, live_count=None)
    signed = await signons.sign(None, letter, submission, now=SIGNED)
    await signons.settle()
    return recorded_text(signed.recorded, letter=letter, count=signed.count, zone=ZONE, user=user)


async def counted(store: Store, letter: Letter) -> list[str]:
    """The names counted and listed, in signing order."""
    assert len(await store.signatures.signers(letter.id)) == await store.signatures.count(letter.id)
    return [entry.name for entry in await store.signatures.signers(letter.id)]


async def run(store: Store, client: AsyncWebClient, at: datetime) -> Dispatcher:
    dispatcher = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)
    await dispatcher.run_due(at)
    await dispatcher.run_due(at)
    return dispatcher


async def test_by_default_every_sign_on_counts_at_once(
    store: Store, client: AsyncWebClient
) -> None:
    letter = await letter_with(store, client, WhoCounts.EVERYONE)
    assert letter.verification_rule is VerificationRule.FLAG
    told = await sign(store, letter, "Casa de Maryland", user="USTRANGER")
    assert WAITS_TO_COUNT not in told
    assert await counted(store, letter) == ["Casa de Maryland"]


async def test_held_back_an_organization_counts_once_verified(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """Roster members wait until verified; anyone off the roster counts once looked
    at; an individual at once."""
    letter = await letter_with(store, client, WhoCounts.ROSTER_VERIFIED)
    told = await sign(store, letter, "Casa de Maryland", user="USTRANGER")
    assert WAITS_TO_COUNT in told and "number" not in told
    await sign(store, letter, "CHIRLA", user="USTAFF")  # from its own domain
    await sign(store, letter, "Voces Unidas", user="UVOCES")  # off the roster
    await sign(store, letter, "Ana Pérez", user="UANA", kind=SignerKind.INDIVIDUAL)
    assert await counted(store, letter) == ["Ana Pérez"]
    assert [e.name for e in await store.signatures.waiting(letter.id)] == [
        "Casa de Maryland",
        "CHIRLA",
        "Voces Unidas",
    ]

    await run(store, client, LOOKED)
    assert await counted(store, letter) == ["CHIRLA", "Voces Unidas", "Ana Pérez"]
    # The stranger's organization is asked; a Yes counts it.
    (question,) = [m for m in dms(fake_slack, "UCASA") if QUESTION_YES_ACTION in str(m.blocks)]
    question_id = int(
        next(
            e["value"]
            for b in question.blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == QUESTION_YES_ACTION
        )
    )
    await Answers(store=store).answer(question_id, Answer.YES, by="UCASA", now=LOOKED)
    assert await counted(store, letter) == [
        "Casa de Maryland",
        "CHIRLA",
        "Voces Unidas",
        "Ana Pérez",
    ]
    assert fake_slack.rejected == []


async def test_held_back_organizations_off_the_roster_wait_for_an_organizer(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    letter = await letter_with(store, client, WhoCounts.VERIFIED_ONLY)
    await sign(store, letter, "Voces Unidas", user="UVOCES")
    await sign(store, letter, "Mijente", user="UMIJENTE")
    dispatcher = await run(store, client, LOOKED)
    assert await counted(store, letter) == []
    # The leads are told, as of new possible duplicates, with a button for each.
    await dispatcher.run_due(LOOKED + timedelta(minutes=5))
    (notice,) = dms(fake_slack, LEAD)
    assert "*2 organizations* waiting to be verified" in all_text(notice)
    assert str(notice.blocks).count(COUNT_WAITING_ACTION) == 2
    # And the lead's tally counts them apart.
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    tally = all_text(dms(fake_slack, LEAD)[-1])
    assert "*0* signed" in tally and "*2* organizations wait to be verified" in tally

    reviews = Reviews(store=store, signons=SignOns(store=store, live_count=None))
    workspace = workspace_for(client, organizers=frozenset({ORGANIZER}))
    voces, mijente = await store.signatures.waiting(letter.id)
    review = await reviews.count_waiting(workspace, voces.id, user=ORGANIZER, now=LOOKED)
    assert [e.name for e in review.waiting] == ["Mijente"]
    await reviews.withdraw_waiting(workspace, mijente.id, user=ORGANIZER, now=LOOKED)
    assert await counted(store, letter) == ["Voces Unidas"]
    assert await store.signatures.waiting(letter.id) == []
    assert fake_slack.rejected == []


async def test_counting_everyone_again_counts_what_waited(
    store: Store, client: AsyncWebClient
) -> None:
    letter = await letter_with(store, client, WhoCounts.VERIFIED_ONLY)
    await sign(store, letter, "Voces Unidas", user="UVOCES")
    assert await counted(store, letter) == []
    await store.letters.edit(
        letter.id,
        as_edit(letter, verification_rule=VerificationRule.FLAG),
        user=ORGANIZER,
        now=SIGNED,
    )
    assert await counted(store, letter) == ["Voces Unidas"]


async def test_an_entry_an_organizer_restores_counts_even_on_a_letter_that_holds_back(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """A No withdrew it; an organizer's restore is their word that it counts."""
    letter = await letter_with(store, client, WhoCounts.VERIFIED_ONLY)
    await sign(store, letter, "Casa de Maryland", user="USTRANGER")
    await run(store, client, LOOKED)
    (question,) = await store.questions.of_letter(letter.id)
    await Answers(store=store).answer(question.id, Answer.NO, by="UCASA", now=LOOKED)
    assert await counted(store, letter) == [] and await store.signatures.waiting(letter.id) == []
    await store.entries.restore(question.signer_id, by=ORGANIZER, now=LOOKED, reason="")
    assert await counted(store, letter) == ["Casa de Maryland"]


async def test_the_final_list_says_how_many_still_wait(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    letter = await letter_with(store, client, WhoCounts.VERIFIED_ONLY)
    await sign(store, letter, "Voces Unidas", user="UVOCES")
    await sign(store, letter, "Ana Pérez", user="UANA", kind=SignerKind.INDIVIDUAL)
    await run(store, client, DEADLINE + timedelta(minutes=1))
    comments = {f.comment for f in fake_slack.shared_files if f.channel == f"D{LEAD}"}
    (comment,) = comments
    assert "Signed by 0 organizations and 1 individual." in comment
    assert "*1* organization still waits to be verified and is not in this list" in comment


async def test_merging_a_waiting_entry_into_a_counted_one_keeps_it_counted(
    store: Store, client: AsyncWebClient
) -> None:
    letter = await letter_with(store, client, WhoCounts.VERIFIED_ONLY)
    await sign(store, letter, "Coalition for Humane Immigrant Rights (CHIRLA)", user="UFIRST")
    await sign(store, letter, "CHIRLA", user="USECOND")
    (pair,) = await store.reviews.pending(letter.id)
    reviews = Reviews(store=store, signons=SignOns(store=store, live_count=None))
    workspace = workspace_for(client, organizers=frozenset({ORGANIZER}))
    await reviews.count_waiting(workspace, pair.second.id, user=ORGANIZER, now=LOOKED)
    assert await counted(store, letter) == ["CHIRLA"]
    await reviews.decide(workspace, pair.id, merge=True, user=ORGANIZER, now=LOOKED)
    assert await counted(store, letter) == ["Coalition for Humane Immigrant Rights (CHIRLA)"]
