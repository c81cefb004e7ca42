"""Where a letter comes from: a pasted message with its links and formatting, a Word
document, a PDF, and the files the bot can't read, which it names instead of guessing."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.rules.cleaning import paragraphs
from bot.services.drafts import Drafts
from bot.services.workspace import Workspace
from bot.slack.blocks.problems import SOMETHING_WENT_WRONG
from bot.storage import Store
from tests.conftest import FIXTURES, ORGANIZER
from tests.documents import damaged_docx, docx_letter, pdf_letter
from tests.fake_slack import FakeSlack
from tests.helpers import (
    all_text,
    coalition,
    form_values,
    head_messages,
    latest_view,
    post_letter,
    posted_letter_markup,
    posted_letter_text,
    told,
)
from tests.slack_driver import SlackDriver

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CSTATES")


async def shortcut(slack: SlackDriver, fake: FakeSlack, message: dict[str, Any]) -> dict[str, Any]:
    """Run "Start a sign-on letter" on `message`; the view the organizer then sees."""
    updated = len(fake.calls_to("views.update"))
    reply = await slack.message_shortcut(
        "start_drive", message, user=ORGANIZER, channel="CORGANIZING"
    )
    assert reply.status == 200
    await fake.wait_for(lambda: len(fake.calls_to("views.update")) > updated)
    return latest_view(fake)


async def post_from(slack: SlackDriver, fake: FakeSlack, message: dict[str, Any]) -> None:
    """Start a drive from `message` and post it in #states."""
    view = await shortcut(slack, fake, message)
    told_before = len(fake.ephemeral_to(ORGANIZER))
    await slack.submit_view(view, form_values(channels=["CSTATES"]), user=ORGANIZER)
    await told(fake, ORGANIZER, since=told_before)


async def test_links_bold_italics_and_lists_in_a_pasted_letter_survive(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Slack's encoding of a formatted message is posted as mrkdwn: the link keeps its
    URL, bold and italics stay, list lines stay lines."""
    text = (
        "Dear Secretary,\n\nWe *urge* you to read _our_ "
        "<https://example.org/report?a=1&amp;b=2|report on 287(g)> &amp; act.\n\n"
        "• End 287(g).\n• End Secure Communities.\n1. Meet us.\n2. Report back."
    )
    await post_from(slack, fake_slack, {"text": text})
    assert posted_letter_markup(fake_slack, "CSTATES") == text
    (head,) = head_messages(fake_slack, "CSTATES")
    (section,) = [b for b in head.blocks if b.get("block_id", "").startswith("letter_text_")]
    assert section["text"]["type"] == "mrkdwn"
    assert "<https://example.org/report?a=1&amp;b=2|report on 287(g)>" in section["text"]["text"]
    assert posted_letter_text(fake_slack, "CSTATES").endswith(
        "report on 287(g) (https://example.org/report?a=1&b=2) & act.\n\n"
        "• End 287(g).\n• End Secure Communities.\n1. Meet us.\n2. Report back."
    )


async def test_a_pasted_letter_can_still_ping_nobody_nor_fake_a_link(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Mentions in the pasted message become their inert names; a link whose label
    names another address shows where it really goes."""
    text = (
        "Attention <!channel> and <!here>, <@U123|maria> of <!subteam^S1|@leads> in "
        "<#C1|general>: see <https://evil.example/login|https://bank.example> and "
        "<javascript:alert(1)|this>."
    )
    await post_from(slack, fake_slack, {"text": text})
    (head,) = head_messages(fake_slack, "CSTATES")
    shown = all_text(head)
    for active in ("<!channel>", "<!here>", "<@U123", "<!subteam", "<#C1", "javascript:"):
        assert active not in shown.replace("\u2060", "")
    assert "<https://evil.example/login>" in shown
    assert "bank.example" not in shown
    assert posted_letter_text(fake_slack, "CSTATES").startswith(
        "Attention @channel and @here, @maria of @leads in #general"
    )


async def test_a_letter_attached_as_a_word_document_is_read(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A .docx keeps its paragraphs, bold, italics, link and lists."""
    file = fake_slack.share_file(
        "Letter to DHS.docx", docx_letter(), filetype="docx", mimetype=DOCX_TYPE
    )
    view = await shortcut(slack, fake_slack, {"text": "Draft attached", "files": [file]})
    assert "taken from *Letter to DHS.docx*" in json.dumps(view)
    await slack.submit_view(view, form_values(channels=["CSTATES"]), user=ORGANIZER)
    await told(fake_slack, ORGANIZER, since=0)
    assert posted_letter_markup(fake_slack, "CSTATES") == (
        "Dear Secretary Mayorkas,\n\n"
        "We *urge* you to end the _de facto_ partnerships &amp; programs described in "
        "<https://example.org/report?a=1&amp;b=2|our report>.\n\n"
        "• End 287(g) agreements.\n• End the Secure Communities program.\n"
        "1. Meet with us within 30 days.\n2. Report back publicly.\n\n"
        "Sincerely,"
    )


async def test_a_letter_attached_as_a_pdf_is_read_into_paragraphs(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A text PDF gives the letter's words in order, its wrapped lines joined back into
    the paragraphs they were."""
    letter = FIXTURES / "letters" / "2022-protecting-communities-from-dhs-collusion.txt"
    text = letter.read_text(encoding="utf-8")
    file = fake_slack.share_file(
        "letter.pdf", pdf_letter(text), filetype="pdf", mimetype="application/pdf"
    )
    await post_from(slack, fake_slack, {"text": "", "files": [file]})
    posted = posted_letter_text(fake_slack, "CSTATES")
    assert posted.split() == text.split()
    for paragraph in paragraphs(text).split("\n\n")[3:]:  # past the address block
        assert paragraph.strip() in posted


@pytest.mark.parametrize("text", ["Here is our letter, please post it.", ""])
async def test_a_file_the_bot_cannot_read_is_named_not_replaced(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, text: str
) -> None:
    """A Pages file: the form says it can't be read and that the message's own text is
    what it holds; with no text at all, the organizer is told what to attach."""
    file = fake_slack.share_file("Letter.pages", b"\x00PK", filetype="pages")
    view = await shortcut(slack, fake_slack, {"text": text, "files": [file]})
    shown = json.dumps(view)
    assert "I can't read *Letter.pages* (a PAGES file)" in shown
    assert "Attach the letter as .docx, PDF or .txt" in shown
    if text:
        assert "the letter below is the message's own text" in shown
        assert "taken from the message" in shown
    else:
        assert view["close"]["text"] == "OK" and "submit" not in view
        assert "Word (.docx), PDF and text" in shown
    assert await store.letters.all() == []


async def test_a_damaged_word_file_is_named_in_the_form(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """XML that isn't well-formed inside a .docx: the form stops saying "Reading…" and
    says what is wrong with the file, and what to do."""
    file = fake_slack.share_file(
        "Letter to DHS.docx", damaged_docx(), filetype="docx", mimetype=DOCX_TYPE
    )
    view = await shortcut(slack, fake_slack, {"text": "Draft attached", "files": [file]})
    shown = json.dumps(view, ensure_ascii=False)
    assert "I couldn't read *Letter to DHS.docx*: it is damaged inside" in shown
    assert "save it again as .docx" in shown and "Reading" not in shown
    assert "submit" not in view
    assert await store.letters.all() == []


@pytest.mark.parametrize(
    ("callback", "title"),
    [("start_drive", "New sign-on letter"), ("update_letter_text", "Update a letter's text")],
)
async def test_a_failure_while_reading_is_told_in_the_form_not_left_reading(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    callback: str,
    title: str,
) -> None:
    """Whatever fails once "Reading the letter…" shows, the form says that something went
    wrong and to try again, and the failure is logged with its traceback."""
    await post_letter(slack, fake_slack, channels=("CSTATES",))

    async def fails(self: Drafts, workspace: Workspace, message: dict[str, Any]) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Drafts, "_letter_in", fails)
    updated = len(fake_slack.calls_to("views.update"))
    await slack.message_shortcut(callback, {"text": "Dear all"}, user=ORGANIZER, channel="CSTATES")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    view = latest_view(fake_slack)
    assert view["title"]["text"] == title and "submit" not in view
    assert SOMETHING_WENT_WRONG in json.dumps(view)
    (logged,) = [r for r in caplog.records if r.name == "handlers.answers"]
    assert logged.levelno == logging.ERROR and logged.exc_info is not None
    assert "the disk is full" in str(logged.exc_info[1])


async def test_a_file_the_token_may_not_download_asks_for_an_invite(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Slack answers with its sign-in page: that page never becomes the letter."""
    file = fake_slack.share_file("letter.txt", b"Dear all", filetype="text", visible=False)
    view = await shortcut(slack, fake_slack, {"text": "The letter", "files": [file]})
    shown = json.dumps(view)
    assert "couldn't read *letter.txt*: Slack showed me a sign-in page" in shown
    assert "/invite @Undersigned" in shown and "paste the letter's text" in shown
    assert "Sign in" not in shown and "submit" not in view
    assert await store.letters.all() == []


async def test_a_file_shared_from_another_workspace_is_looked_up_then_read(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """In a Slack Connect channel a file arrives as a stub; files.info describes it."""
    file = fake_slack.share_file("letter.txt", b"Dear Governor,\n\nAct.", filetype="text")
    stub = {"id": file["id"], "mode": "file_access", "file_access": "check_file_info"}
    await post_from(slack, fake_slack, {"text": "", "files": [stub]})
    assert [c.args["file"] for c in fake_slack.calls_to("files.info")] == [file["id"]]
    assert posted_letter_text(fake_slack, "CSTATES") == "Dear Governor,\n\nAct."


async def test_a_file_slack_hides_is_passed_over_for_the_letter_beside_it(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A picture Slack won't describe doesn't stop the Word letter next to it, and many
    unreadable files are named only as far as the form has room."""
    letter = fake_slack.share_file("letter.docx", docx_letter(), filetype="docx")
    hidden = {"id": "FGONE", "mode": "file_access", "file_access": "check_file_info"}
    await post_from(slack, fake_slack, {"text": "", "files": [hidden, letter]})
    assert posted_letter_text(fake_slack, "CSTATES").startswith("Dear Secretary Mayorkas,")

    pictures = [
        fake_slack.share_file(f"photo {n} " + "&" * 200 + ".png", b"png", filetype="png")
        for n in range(30)
    ]
    view = await shortcut(slack, fake_slack, {"text": "Our letter.", "files": pictures})
    # The letter text's preview, first among the form's context lines.
    context = next(block for block in view["blocks"] if block["type"] == "context")
    warning = context["elements"][0]["text"]
    assert len(warning) <= 3000 and "more" in warning


async def test_a_long_letter_in_a_text_file_is_read_to_its_last_byte(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A download arrives in many pieces; the letter is all of them."""
    text = "\n\n".join(f"Paragraph {n}: " + "we urge you to act " * 40 for n in range(200))
    text = text[:149_000].strip()
    file = fake_slack.share_file("letter.txt", text.encode(), filetype="text")
    view = await shortcut(slack, fake_slack, {"text": "", "files": [file]})
    assert len(text) > 140_000
    assert f"{len(paragraphs(text)):,} characters" in json.dumps(view)
