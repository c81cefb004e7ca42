"""The export form: the letter's own closing word offered, the chosen list format in the
text list and the Word document, individuals apart or not."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest

from bot.rules.signons import SignerKind, Submission
from bot.services.signons import SignOns
from bot.slack.blocks.export_form import APART_BLOCK, CLOSING_BLOCK, FORMAT_BLOCK
from bot.storage import Store
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import ask, coalition, export_with_form, post_letter
from tests.slack_driver import SlackDriver

# The export form's list format answered "Name (ST)".
BY_STATE: dict[str, Any] = {
    FORMAT_BLOCK: {"text": {"type": "plain_text", "text": "Name (ST)"}, "value": "state"}
}


@pytest.fixture(autouse=True)
async def letter_with_signers(slack: SlackDriver, fake_slack: FakeSlack, store: Store) -> None:
    coalition(fake_slack)
    await post_letter(
        slack, fake_slack, leads=[LEAD], body="Dear Secretary,\n\nAct now.\n\nSigned,"
    )
    letter = await store.letters.get(1)
    assert letter is not None
    signons = SignOns(store=store, live_count=None)
    for name, state, kind in (
        ("Make the Road New York", "NY", SignerKind.ORGANIZATION),
        ("CASA", "Maryland", SignerKind.ORGANIZATION),
        ("Ana Ruiz", "CA", SignerKind.INDIVIDUAL),
    ):
        submission = Submission(
            kind=kind,
            name=name,
            state=state,
            affiliation="State University" if kind is SignerKind.INDIVIDUAL else None,
        )
        await signons.sign(None, letter, submission, now=letter.created_at)


def files(fake: FakeSlack) -> dict[str, bytes]:
    return {f.filename: f.content for f in fake.shared_files}


async def test_the_form_offers_the_letters_closing_and_the_list_follows_the_choices(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    opened = len(fake_slack.calls_to("views.open"))
    answer = await export_with_form(
        slack,
        fake_slack,
        **BY_STATE,
    )
    form = fake_slack.calls_to("views.open")[opened].args["view"]
    (closing,) = [b for b in form["blocks"] if b.get("block_id") == CLOSING_BLOCK]
    assert closing["element"]["initial_value"] == "Signed,"
    assert "Signed by 2 organizations from 2 states and 1 individual" in answer
    text = files(fake_slack)["letter-1-signers.txt"].decode().splitlines()
    assert text == [
        "Signed,",
        "",
        "CASA (MD)",
        "Make the Road New York (NY)",
        "",
        "Individuals (affiliations for identification purposes only)",
        "Ana Ruiz, State University",
    ]
    document = docx.Document(io.BytesIO(files(fake_slack)["letter-1.docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.count("Signed,") == 1
    assert paragraphs[paragraphs.index("Signed,") + 1 :][:2] == [
        "CASA (MD)",
        "Make the Road New York (NY)",
    ]
    assert not fake_slack.rejected


async def test_individuals_with_the_organizations_under_another_closing(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    apart: dict[str, Any] = {APART_BLOCK: [], CLOSING_BLOCK: "In solidarity,"}
    await export_with_form(slack, fake_slack, **apart)
    text = files(fake_slack)["letter-1-signers.txt"].decode().splitlines()
    assert text == [
        "In solidarity,",
        "",
        "Ana Ruiz, State University",
        "CASA",
        "Make the Road New York",
    ]


async def test_the_close_sends_the_leads_the_list_as_it_was_last_exported(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An organizer's choice in the export form is the letter's: the form opens on it
    next time, and the close sends the leads the list, the document and the rest so."""
    await export_with_form(
        slack,
        fake_slack,
        **BY_STATE,
    )
    letter = await store.letters.get(1)
    assert letter is not None and letter.list_style.format.value == "state"
    sent = len(fake_slack.shared_files)
    await ask(slack, fake_slack, "close")
    await fake_slack.wait_for(
        lambda: any(f.channel == f"D{LEAD}" for f in fake_slack.shared_files[sent:]), within=20
    )
    await fake_slack.wait_for(
        lambda: len([f for f in fake_slack.shared_files[sent:] if f.channel == f"D{LEAD}"]) == 6
    )
    closing = {f.filename: f for f in fake_slack.shared_files[sent:] if f.channel == f"D{LEAD}"}
    assert closing["letter-1-signers.txt"].content.decode().splitlines()[2:4] == [
        "CASA (MD)",
        "Make the Road New York (NY)",
    ]
    assert "the alphabetized list under “Signed,”" in closing["letter-1-signers.txt"].comment
    assert set(closing) == {
        "letter-1-signers.txt",
        "letter-1.docx",
        "letter-1-signers.csv",
        "letter-1-contacts.csv",
        "letter-1-signers.json",
        "letter-1-sign-ons.png",
    }
