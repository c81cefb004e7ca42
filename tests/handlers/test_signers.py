"""An organizer's signer tools: /letter signers (paged, searchable), edit any field,
withdraw with a reason (after the close too), restore, merge choosing the published
name; each change in the audit trail, which `undersigned audit` prints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.rules.forms import SignonField
from bot.rules.signons import ChangeAction, SignerKind, Submission
from bot.services.signons import SignOns
from bot.slack.blocks.entries import ENTRY_MENU_ACTION, SIGNERS_PAGE_ACTION
from bot.slack.blocks.reviews import MERGE_AS_SECOND_ACTION
from bot.storage import Store
from bot.texts.exports import audit_csv
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, ask, coalition, post_letter, signon
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    await post_letter(slack, fake_slack)


async def menu_form(
    slack: SlackDriver, fake: FakeSlack, value: str, *, user: str = LEAD
) -> dict[str, Any]:
    before = len(fake.calls_to("views.open"))
    await slack.choose(ENTRY_MENU_ACTION, value, user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message.get("blocks", []) if b["type"] == "section"]


async def test_signers_are_listed_a_page_at_a_time_and_found_by_name(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """25 entries: the first 20 with Next, then the last 5 in place; a search narrows
    them; someone who doesn't manage the letter is refused."""
    letter = await store.letters.get(1)
    assert letter is not None
    signons = SignOns(store=store, live_count=None)
    for n in range(25):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=f"Coalition Number {n:02d}")
        await signons.sign(None, letter, submission, now=letter.created_at)
    first = await ask(slack, fake_slack, "signers")
    assert "*25 signers*" in sections(first)[0] and len(sections(first)) == 21
    (next_button,) = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    before = len(fake_slack.responses)
    await slack.press(next_button["action_id"], next_button["value"], user=ORGANIZER, channel="C")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    second = fake_slack.responses[-1]
    assert second["replace_original"] is True
    assert [s.split("*")[1] for s in sections(second)[1:]] == [
        f"Coalition Number {n}" for n in range(20, 25)
    ]
    assert next_button["action_id"].startswith(SIGNERS_PAGE_ACTION)
    found = await ask(slack, fake_slack, "signers #1 number 07")
    assert "*1 signer* matching “number 07”" in sections(found)[0]
    refused = await ask(slack, fake_slack, "signers", user=MEMBER)
    assert "can manage the signers of it" in refused["text"]


async def test_an_organizer_edits_withdraws_after_the_close_and_restores_with_the_audit(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    store: Store,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    """An imported entry with no Slack account gets its published name fixed; after the
    close, a spam entry is withdrawn with a reason (the count follows), then restored;
    `undersigned audit 1` prints who did each, when and why."""
    letter = await store.letters.get(1)
    assert letter is not None
    imported = Submission(
        kind=SignerKind.ORGANIZATION, name="make the road ny", import_ref="forms:2", email="a@b.org"
    )
    await SignOns(store=store, live_count=None).sign(None, letter, imported, now=letter.created_at)
    await signon(slack, fake_slack, "Totally Real Org Buy Now", user=MEMBER)
    entries = {e.name: e for e in await store.signatures.signers(1)}

    view = await menu_form(slack, fake_slack, f"edit:{entries['make the road ny'].id}")
    answers = as_submitted(
        view,
        **{SignonField.ORGANIZATION: "Make the Road New York", SignonField.REASON: "Our typo"},
    )
    reply = await slack.submit_view(view, answers, user=LEAD)
    assert "*Make the Road New York* is saved" in json.dumps(reply.json()["view"])

    await ask(slack, fake_slack, "close")
    spam = entries["Totally Real Org Buy Now"].id
    view = await menu_form(slack, fake_slack, f"withdraw:{spam}")
    reply = await slack.submit_view(view, as_submitted(view), user=LEAD)
    assert set(reply.json()["errors"]) == {SignonField.REASON}
    too_long = as_submitted(view, **{SignonField.REASON: "spam\x00 " * 120})
    reply = await slack.submit_view(view, too_long, user=LEAD)
    assert "Keep the reason to 500 characters" in reply.json()["errors"][SignonField.REASON]
    answers = as_submitted(view, **{SignonField.REASON: "Spam, not a member group"})
    reply = await slack.submit_view(view, answers, user=LEAD)
    assert "is withdrawn" in json.dumps(reply.json()["view"])
    assert [e.name for e in await store.signatures.signers(1)] == ["Make the Road New York"]
    listed = await ask(slack, fake_slack, "signers #1")
    assert any("_withdrawn_" in s for s in sections(listed))

    (restore,) = [
        b["accessory"] for b in listed["blocks"] if b.get("accessory", {}).get("type") == "button"
    ]
    assert restore["value"] == f"restore:{spam}"
    before = len(fake_slack.calls_to("views.open"))
    await slack.press(restore["action_id"], restore["value"], user=LEAD, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > before)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(view, as_submitted(view), user=LEAD)
    assert "is back in the list" in json.dumps(reply.json()["view"])
    restored = {e.name: e for e in await store.signatures.signers(1)}
    assert [c.user_id for c in restored["Totally Real Org Buy Now"].contacts] == [MEMBER]

    trail = await store.entries.audit(1)
    assert [(c.action, c.field, c.before, c.after, c.changed_by, c.reason) for c in trail] == [
        (
            ChangeAction.EDITED,
            "name",
            "make the road ny",
            "Make the Road New York",
            LEAD,
            "Our typo",
        ),
        (ChangeAction.WITHDRAWN, "status", "active", "withdrawn", LEAD, "Spam, not a member group"),
        (ChangeAction.RESTORED, "status", "withdrawn", "active", LEAD, None),
    ]
    rows = list(csv.DictReader(io.StringIO(audit_csv(trail))))
    assert rows[1]["entry"] == "Totally Real Org Buy Now" and rows[1]["action"] == "withdrawn"

    from bot.cli import main

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    assert await _in_thread(main, ["audit", "1"]) == 0
    printed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["reason"] for row in printed] == ["Our typo", "Spam, not a member group", ""]


async def test_merge_can_publish_the_second_entrys_name(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Same — list as “…” keeps one entry with the later entry's name, and says so in the trail."""
    await signon(slack, fake_slack, "CHIRLA", user="UFIRST")
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights (CHIRLA)", user="U2")
    (pair,) = await store.reviews.pending(1)
    before = len(fake_slack.responses)
    await slack.press(MERGE_AS_SECOND_ACTION, str(pair.id), user=LEAD, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert (
        "One organization now, listed as *Coalition for Humane Immigrant Rights (CHIRLA)*"
        in (fake_slack.responses[-1]["text"])
    )
    (entry,) = await store.signatures.signers(1)
    assert entry.name == "Coalition for Humane Immigrant Rights (CHIRLA)"
    assert [c.user_id for c in entry.contacts] == ["UFIRST", "U2"]
    trail = [(c.signer_name, c.action, c.field, c.changed_by) for c in await store.entries.audit(1)]
    assert trail == [
        ("Coalition for Humane Immigrant Rights (CHIRLA)", ChangeAction.MERGED, "status", LEAD),
        ("Coalition for Humane Immigrant Rights (CHIRLA)", ChangeAction.EDITED, "name", LEAD),
    ]


async def _in_thread(function: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run the command line (which runs its own event loop) off this test's loop."""
    import asyncio

    return await asyncio.to_thread(function, argv)


async def test_an_organizers_edit_changes_the_contact_its_form_showed(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An entry whose imported contact signed before its Slack one: the form shows the
    earliest, and the edit lands on that one, not on the other."""
    from datetime import timedelta

    await signon(slack, fake_slack, "Acme Org", user="UALICE")
    letter = await store.letters.get(1)
    assert letter is not None
    earlier = Submission(
        kind=SignerKind.ORGANIZATION,
        name="acme org",
        person_name="Bob",
        import_ref="forms:9",
        signed_at=letter.created_at - timedelta(days=1),
    )
    await SignOns(store=store, live_count=None).sign(
        None, letter, earlier, now=letter.created_at, closed_ok=True
    )
    (entry,) = await store.signatures.signers(1)
    view = await menu_form(slack, fake_slack, f"edit:{entry.id}")
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[SignonField.PERSON]["element"]["initial_value"] == "Bob"
    answers = as_submitted(view, **{SignonField.TITLE: "Director"})
    await slack.submit_view(view, answers, user=LEAD)
    (entry,) = await store.signatures.signers(1)
    titles = {c.user_id or c.person_name: c.title for c in entry.contacts}
    assert titles == {"Bob": "Director", "UALICE": None}
