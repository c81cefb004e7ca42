"""Organizers resolve possible duplicates and take the final list away."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any, NoReturn

import pytest

from bot.slack.blocks.replies import CHART_FAILED
from bot.slack.blocks.reviews import (
    KEEP_ACTION,
    MERGE_ACTION,
    MERGE_AS_SECOND_ACTION,
    MERGE_LISTED_ACTION,
)
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, export_with_form, post_letter, signon, withdraw
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
async def letter_with_a_possible_duplicate(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION")
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights (CHIRLA)", user="UFIRST")
    await signon(slack, fake_slack, "CHIRLA", user="USECOND")
    await signon(slack, fake_slack, "The Advocates for Human Rights", user="UTHIRD")


async def review(slack: SlackDriver, fake: FakeSlack, *, user: str = ORGANIZER) -> dict[str, Any]:
    before = len(fake.responses)
    await slack.command("/letter", "review", user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.responses) > before)
    return fake.responses[-1]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def press(
    slack: SlackDriver, fake: FakeSlack, action: str, value: str, *, user: str = ORGANIZER
) -> dict[str, Any]:
    before = len(fake.responses)
    await slack.press(action, value, user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.responses) > before)
    return fake.responses[-1]


async def test_merge_folds_the_later_entry_into_the_earlier_one(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Merge moves contacts and spellings into one entry; the count drops by one."""
    queue = await review(slack, fake_slack)
    assert "1 possible duplicate" in json.dumps(queue)
    answer = await press(slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION])
    assert answer["replace_original"] is True
    assert (
        "One organization now, listed as *Coalition for Humane Immigrant Rights (CHIRLA)*"
        in answer["text"]
    )
    signers = {s.name: s for s in await store.signatures.signers(1)}
    assert set(signers) == {
        "Coalition for Humane Immigrant Rights (CHIRLA)",
        "The Advocates for Human Rights",
    }
    merged = signers["Coalition for Humane Immigrant Rights (CHIRLA)"]
    assert [c.user_id for c in merged.contacts] == ["UFIRST", "USECOND"]
    assert merged.submitted_as == ("Coalition for Humane Immigrant Rights (CHIRLA)", "CHIRLA")
    assert await store.reviews.pending(1) == []


async def test_keep_both_is_remembered(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """After Different organizations the pair never comes back, even when one of them
    signs again."""
    queue = await review(slack, fake_slack)
    answer = await press(slack, fake_slack, KEEP_ACTION, buttons(queue)[KEEP_ACTION])
    assert "won't be suggested again" in answer["text"]
    await signon(slack, fake_slack, "chirla", user="UFOURTH")  # a contact of the same entry
    assert await store.reviews.pending(1) == []
    assert len(await store.signatures.signers(1)) == 3
    assert "Nothing is waiting for review" in (await review(slack, fake_slack))["text"]


async def test_review_buttons_check_who_presses_them(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A forwarded review message pressed by a member changes nothing."""
    queue = await review(slack, fake_slack)
    refused = await press(
        slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION], user=MEMBER
    )
    assert "Only organizers and the leads" in refused["text"]
    assert len(await store.reviews.pending(1)) == 1
    assert "Only organizers" in (await review(slack, fake_slack, user=MEMBER))["text"]
    await press(slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION], user=LEAD)
    assert await store.reviews.pending(1) == []


async def test_a_pair_decided_twice_is_decided_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Two organizers pressing at once: the second is told it was already decided."""
    queue = await review(slack, fake_slack)
    await press(slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION])
    again = await press(slack, fake_slack, KEEP_ACTION, buttons(queue)[KEEP_ACTION])
    assert "That was already decided" in again["text"]
    assert len(await store.signatures.signers(1)) == 2


async def test_export_sends_the_organizer_the_list_csv_and_json(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """/letter export DMs three files: the alphabetized list, the CSV and the contract's
    JSON; its headline says a pair still waits for review."""
    answer = await export_with_form(slack, fake_slack)
    assert "Signed by 3 organizations, with 1 possible duplicate still to review." in answer
    files = {f.filename: f for f in fake_slack.shared_files}
    assert set(files) == {
        "letter-1-signers.txt",
        "letter-1-signers.csv",
        "letter-1-contacts.csv",
        "letter-1-signers.json",
        "letter-1.docx",
        "letter-1-sign-ons.png",
    }
    assert {f.channel for f in files.values()} == {"DUORGANIZER"}
    assert files["letter-1-signers.txt"].content.decode().splitlines() == [
        "Sincerely,",
        "",
        "The Advocates for Human Rights",
        "CHIRLA",
        "Coalition for Humane Immigrant Rights (CHIRLA)",
    ]
    rows = list(csv.DictReader(io.StringIO(files["letter-1-signers.csv"].content.decode())))
    assert rows[0]["name"] == "The Advocates for Human Rights"
    document = json.loads(files["letter-1-signers.json"].content)
    assert document["count"] == 3 == len(document["signers"])
    assert document["letter"]["id"] == 1 and document["letter"]["channels"] == ["CCOALITION"]
    chirla = next(s for s in document["signers"] if s["name"] == "CHIRLA")
    assert chirla["possible_duplicate_of"] == ["Coalition for Humane Immigrant Rights (CHIRLA)"]
    assert chirla["contacts"][0]["slack_user"] == "USECOND"


async def test_an_export_whose_chart_cant_be_drawn_sends_the_files_and_says_so(
    slack: SlackDriver, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list and the other files arrive without the chart, and the DM says why."""

    def cannot_draw(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("bot.services.exports.drive_chart", cannot_draw)
    answer = await export_with_form(slack, fake_slack)
    assert "I've sent you the list and files in a direct message." in answer
    files = {f.filename: f for f in fake_slack.shared_files}
    assert set(files) == {
        "letter-1-signers.txt",
        "letter-1-signers.csv",
        "letter-1-contacts.csv",
        "letter-1-signers.json",
        "letter-1.docx",
    }
    assert files["letter-1-signers.txt"].comment.endswith(CHART_FAILED)


async def test_export_is_for_organizers_only(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """A member asking for the list is refused and sent nothing."""
    await slack.command("/letter", "export", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(
        lambda: fake_slack.responses and "Only organizers" in fake_slack.responses[-1]["text"]
    )
    assert fake_slack.shared_files == []


async def test_a_merged_spelling_signed_again_joins_the_kept_entry(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """After CHIRLA is merged into the full name, signing as CHIRLA again counts once."""
    queue = await review(slack, fake_slack)
    await press(slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION])
    answer = await signon(slack, fake_slack, "CHIRLA", user="UFOURTH")
    assert "*Coalition for Humane Immigrant Rights (CHIRLA)* had already signed" in answer
    assert len(await store.signatures.signers(1)) == 2
    assert await store.reviews.pending(1) == []


async def test_a_kept_pair_is_not_brought_back_by_a_later_merge(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Different organizations on (full name, CHIRLA). A third spelling pairs with both;
    merging it into the full name would make (full name, CHIRLA) again: it stays
    decided."""
    queue = await review(slack, fake_slack)
    await press(slack, fake_slack, KEEP_ACTION, buttons(queue)[KEEP_ACTION])
    await signon(slack, fake_slack, "CHIRLA Coalition for Humane Immigrant Rights", user="UFOURTH")
    pairs = {(p.first.name, p.second.name): p.id for p in await store.reviews.pending(1)}
    full, third = (
        "Coalition for Humane Immigrant Rights (CHIRLA)",
        "CHIRLA Coalition for Humane Immigrant Rights",
    )
    assert set(pairs) == {(full, third), ("CHIRLA", third)}
    await press(slack, fake_slack, MERGE_ACTION, str(pairs[(full, third)]))
    assert await store.reviews.pending(1) == []
    assert len(await store.signatures.signers(1)) == 3


async def test_a_withdrawn_entry_leaves_the_review_queue(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Withdrawing CHIRLA removes its pair; a stale Merge press loses no sign-on."""
    queue = await review(slack, fake_slack)
    await withdraw(slack, fake_slack, user="USECOND")
    assert await store.reviews.pending(1) == []
    stale = await press(slack, fake_slack, MERGE_ACTION, buttons(queue)[MERGE_ACTION])
    assert "no longer waiting for review" in stale["text"]
    names = {s.name for s in await store.signatures.signers(1)}
    assert names == {
        "Coalition for Humane Immigrant Rights (CHIRLA)",
        "The Advocates for Human Rights",
    }


async def test_every_spelling_survives_a_merge_of_one_persons_two_sign_ons(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """One person signed both spellings: after the merge they are one contact, and both
    spellings stay in submitted_as."""
    await signon(slack, fake_slack, "CHIRLA", user="UFIRST")  # UFIRST signed the full name too
    pairs = await store.reviews.pending(1)
    await press(slack, fake_slack, MERGE_ACTION, str(pairs[0].id))
    (merged,) = [s for s in await store.signatures.signers(1) if s.name.startswith("Coalition")]
    assert [c.user_id for c in merged.contacts] == ["UFIRST", "USECOND"]
    assert merged.submitted_as == ("Coalition for Humane Immigrant Rights (CHIRLA)", "CHIRLA")


async def test_a_merge_keeps_the_entry_unlisted_if_either_side_asked(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The review shows each side's listing; where one asked not to be listed, Merge
    keeps the entry unlisted, and the menu's "listed" merge lists it."""
    for name, user in (("Sanctuary DMV", "UQUIET"), ("Florida Immigrant Coalition", "UHUSH")):
        opened = len(fake_slack.calls_to("views.open"))
        await slack.command("/signon", "", user=user, channel="CCOALITION")
        await fake_slack.wait_for(
            lambda opened: len(fake_slack.calls_to("views.open")) > opened, opened
        )
        form = fake_slack.calls_to("views.open")[-1].args["view"]
        answers = as_submitted(form, organization=name, person="Ana", public={"value": "no"})
        await slack.submit_view(form, answers, user=user)
    await signon(slack, fake_slack, "SanctuaryDMV", user="ULOUD")
    await signon(slack, fake_slack, "FLIC", user="UFLIC")
    queue = await review(slack, fake_slack)
    shown = json.dumps(queue, ensure_ascii=False)
    assert "*asked not to be listed*" in shown and "stays unlisted" in shown
    menus = [
        element
        for block in queue["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == MERGE_LISTED_ACTION
    ]
    assert len(menus) == 2, "only the pairs whose listing differs have the menu"
    pairs = {p.first.name: p for p in await store.reviews.pending(1)}
    await press(slack, fake_slack, MERGE_AS_SECOND_ACTION, str(pairs["Sanctuary DMV"].id))
    before = len(fake_slack.responses)
    listed = f"first:{pairs['Florida Immigrant Coalition'].id}"
    await slack.choose(MERGE_LISTED_ACTION, listed, user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    kept = {s.name: s for s in await store.signatures.signers(1)}
    assert kept["SanctuaryDMV"].public is False
    assert kept["Florida Immigrant Coalition"].public is True
    trail = [c for c in await store.entries.audit(1) if c.field == "public"]
    assert [(c.signer_name, c.before, c.after) for c in trail] == [
        ("Florida Immigrant Coalition", "no", "yes")
    ]


async def test_with_a_roster_each_side_of_a_pair_says_whether_it_is_verified(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Organizers see the verification of each side of a pair, in the queue and on the
    Home, with the letter's verified organizations counted there."""
    roster = b"Organization,Slack ID\nCHIRLA,USECOND\n"
    await store.roster.save(read_roster(roster).members, accounts={}, now=datetime.now(UTC))
    queue = str((await review(slack, fake_slack))["blocks"])
    first, second = queue.split("• *")[1:3]
    assert first.startswith("Coalition for Humane") and "_not verified_" in first
    assert second.startswith("CHIRLA") and "verified: a roster contact signed" in second

    before = len(fake_slack.calls_to("views.publish"))
    await slack.open_home(ORGANIZER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.publish")) > before)
    home = str(fake_slack.calls_to("views.publish")[-1].args["view"])
    assert "1 of 3 organizations verified" in home
    assert "verified: a roster contact signed" in home


async def test_each_side_of_a_pair_says_who_signed_it_when_and_the_buttons_what_they_do(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    queue = await review(slack, fake_slack)
    text = str(queue["blocks"])
    first, second = text.split("• *")[1:3]
    assert "signed by <@UFIRST> on <!date^" in first and "listed" in first
    assert "signed by <@USECOND> on <!date^" in second
    labels = [
        element["text"]["text"]
        for block in queue["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert labels[0].startswith("Same organization — list as “Coalition for Humane")
    assert labels[1:] == ["Same — list as “CHIRLA”", "Different organizations"]
    assert all(len(label) <= 75 for label in labels)
