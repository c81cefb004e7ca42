"""The posted letter: splitting its text, and the messages built from it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.letter import (
    COUNT_BLOCK,
    SIGN_ON_ACTION,
    TEXT_BLOCK_PREFIX,
    build_letter_messages,
    split_text,
)
from bot.cleaning import paragraphs
from bot.models import Letter, LetterStatus, Post
from tests.conftest import FIXTURES, ZONE

FIXTURE_LETTERS = sorted((FIXTURES / "letters").glob("*.txt"))


def make_letter(body: str, **changes: object) -> Letter:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    letter = Letter(
        id=7,
        title="Protect our communities",
        addressee="The Honorable Jane Doe",
        body=body,
        deadline=now + timedelta(days=10),
        goal=None,
        status=LetterStatus.OPEN,
        created_by="UORGANIZER",
        created_at=now,
        posts=(Post("C1"),),
        leads=(),
    )
    return replace(letter, **changes)


def body_texts(messages: list[dict]) -> list[str]:
    return [
        block["text"]["text"]
        for message in messages
        for block in message["blocks"]
        if block.get("block_id", "").startswith(TEXT_BLOCK_PREFIX)
    ]


@pytest.mark.parametrize("path", FIXTURE_LETTERS, ids=lambda path: path.stem)
def test_split_pieces_join_back_to_the_letter_and_end_at_paragraphs(path) -> None:
    """Every fixture letter splits into ≤3,000-character pieces cut after a blank line."""
    text = paragraphs(path.read_text())
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= 3000 for piece in pieces)
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])


def test_a_paragraph_longer_than_a_section_is_cut_at_a_sentence() -> None:
    """Without a blank line in reach, the cut falls after a sentence, not mid-word."""
    text = "This sentence is short. " * 300
    pieces = split_text(text.strip())
    assert "".join(pieces) == text.strip()
    assert all(len(piece) <= 3000 for piece in pieces)
    assert all(piece.endswith(". ") for piece in pieces[:-1])


def test_text_without_any_break_is_cut_at_the_limit() -> None:
    """An unbroken run of characters still fits, cut at exactly 3,000."""
    pieces = split_text("x" * 7000)
    assert [len(piece) for piece in pieces] == [3000, 3000, 1000]


def test_a_short_letter_is_one_message_with_everything() -> None:
    """Header, addressee, deadline, text, Sign on button and count line in one message."""
    (message,) = build_letter_messages(
        letter=make_letter("Dear Jane,\n\nAct now."), count=3, zone=ZONE
    )
    kinds = [block["type"] for block in message["blocks"]]
    assert kinds[:3] == ["header", "section", "context"]
    assert message["blocks"][0]["text"]["text"] == "Protect our communities"
    assert message["blocks"][1]["text"] == {
        "type": "plain_text",
        "text": "To: The Honorable Jane Doe",
        "emoji": False,
    }
    assert (
        "<!date^1796212800^{date_long_pretty} at {time}|Wednesday, December 2, 2026 at 7:00 AM EST>"
        in message["blocks"][2]["elements"][0]["text"]
    )
    (button,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == SIGN_ON_ACTION and button["value"] == "7"
    assert message["blocks"][-1]["block_id"] == COUNT_BLOCK
    assert message["blocks"][-1]["elements"][0]["text"] == "*3* signed so far"


def test_a_letter_too_long_for_one_message_continues_in_the_thread() -> None:
    """A 200,000-character letter: head within 50 blocks, the rest in thread messages."""
    body = "\n\n".join(f"Paragraph {n}. " + "word " * 400 for n in range(100))
    messages = build_letter_messages(letter=make_letter(body), count=0, zone=ZONE)
    assert len(messages) > 1
    assert "".join(body_texts(messages)) == body
    assert "continues in the thread" in str(messages[0]["blocks"])
    for message in messages:
        assert 0 < len(message["blocks"]) <= 50
        for block in message["blocks"]:
            Block.parse(block).validate_json()
    assert messages[1]["text"].startswith("Protect our communities (continued, part 2 of")


def test_a_closed_letter_has_no_sign_on_button_and_says_so() -> None:
    """Once closed, the post shows the final count and no button."""
    (message,) = build_letter_messages(
        letter=make_letter("Text.", status=LetterStatus.CLOSED, goal=100), count=42, zone=ZONE
    )
    assert all(block["type"] != "actions" for block in message["blocks"])
    assert (
        message["blocks"][-1]["elements"][0]["text"]
        == "*42* signed of a goal of 100 · sign-ons are closed"
    )


def test_the_notification_text_escapes_the_title() -> None:
    """A title that looks like a mention reaches notifications inert."""
    (message,) = build_letter_messages(
        letter=make_letter("Text.", title="<!channel> & friends"), count=0, zone=ZONE
    )
    assert message["text"] == "Sign-on letter: &lt;!channel&gt; &amp; friends"
