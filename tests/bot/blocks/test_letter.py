"""The posted letter: splitting its text, and the messages built from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.rules.cleaning import paragraphs
from bot.rules.letters import Letter, LetterStatus, Post
from bot.slack.blocks.letters import (
    COUNT_BLOCK,
    SIGN_ON_ACTION,
    TEXT_BLOCK_PREFIX,
    WEB_LINK_BLOCK,
    build_letter_messages,
)
from bot.slack.blocks.text import MESSAGE_SIZE_MAX, size, split_text
from tests.conftest import FIXTURES, ZONE
from tests.fake_slack import block_text_length, check_message
from tests.helpers import letter_text_of

FIXTURE_LETTERS = sorted((FIXTURES / "letters").glob("*.txt"))


def make_letter(
    body: str,
    *,
    id: int = 7,
    title: str = "Protect our communities",
    goal: int | None = None,
    status: LetterStatus = LetterStatus.OPEN,
) -> Letter:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    return Letter(
        id=id,
        title=title,
        addressee="The Honorable Jane Doe",
        body=body,
        deadline=now + timedelta(days=10),
        goal=goal,
        status=status,
        created_by="UORGANIZER",
        created_at=now,
        posts=(Post("C1"),),
        leads=(),
    )


def body_texts(messages: list[dict[str, Any]]) -> list[str]:
    return [
        block["text"]["text"]
        for message in messages
        for block in message["blocks"]
        if block.get("block_id", "").startswith(TEXT_BLOCK_PREFIX)
    ]


@pytest.mark.parametrize("path", FIXTURE_LETTERS, ids=lambda path: path.stem)
def test_split_pieces_join_back_to_the_letter_and_end_at_paragraphs(path: Path) -> None:
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
    assert message["blocks"][2]["elements"][0]["text"].startswith("*Sign by* Wed Dec 2, 7:00 AM ET")
    (button,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == SIGN_ON_ACTION and button["value"] == "7"
    assert message["blocks"][-1]["block_id"] == COUNT_BLOCK
    assert message["blocks"][-1]["elements"][0]["text"] == "*3* signed so far"


def test_a_150000_character_letter_goes_in_a_light_message_and_its_thread() -> None:
    """The channel message holds the opening; thread replies hold the rest, in order,
    each within Slack's blocks and its ~12,000-character ceiling, ending on paragraphs."""
    body = "\n\n".join(f"Paragraph {n} &amp; more. " + "word " * 300 for n in range(100))
    body = body[:150_000]
    messages = build_letter_messages(letter=make_letter(body), count=0, zone=ZONE)
    assert len(messages) > 10
    assert letter_text_of([block for m in messages for block in m["blocks"]]) == body
    head = messages[0]
    assert "continues in the thread" in str(head["blocks"])
    assert size(head["blocks"]) < 2_500
    for message in messages:
        assert 0 < len(message["blocks"]) <= 50
        assert size(message["blocks"]) <= MESSAGE_SIZE_MAX
        assert block_text_length(message["blocks"]) <= 10_000
        for block in message["blocks"]:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
    for message in messages[1:-1]:
        assert body_texts([message])[-1].endswith("\n\n")
    assert messages[1]["text"].startswith("Protect our communities (continued, part 2 of")


def test_a_letter_within_one_section_is_all_in_the_channel_message() -> None:
    """Up to 3,000 characters, the whole letter shows in the channel, no thread."""
    body = "x " * 1500
    (message,) = build_letter_messages(letter=make_letter(body.strip()), count=0, zone=ZONE)
    assert body_texts([message]) == [body.strip()]


def test_a_cut_never_falls_inside_a_link_or_an_entity() -> None:
    """Pieces join back to the text, and every link and `&amp;` is whole in one piece."""
    link = "<https://example.org/a-very-long-address?with=query&amp;more=1|the report>"
    text = " ".join([link, "&amp;", "word"] * 200)
    for limit in (100, 101, 150, 333):
        pieces = split_text(text, limit)
        assert "".join(pieces) == text
        assert all(len(piece) <= limit for piece in pieces)
        for piece in pieces:
            assert piece.count("<") == piece.count(">")
            assert piece.count("&") == piece.count("&amp;")


def test_a_link_longer_than_the_opening_is_kept_whole() -> None:
    """A 1,800-character link at the very start of a long letter makes a longer opening
    rather than be cut in two."""
    link = "<https://example.org/" + "a" * 1780 + "|the report>"
    body = link + " and more. " + "word " * 1000
    messages = build_letter_messages(letter=make_letter(body), count=0, zone=ZONE)
    assert link in str(messages[0]["blocks"])
    assert letter_text_of([b for m in messages for b in m["blocks"]]) == body


def test_bold_words_are_not_cut_across_two_sections() -> None:
    """A cut that would fall inside *bold words* falls before them, so both pieces
    still show as written."""
    body = "word " * 597 + "*these words are bold* " + "word " * 600  # straddles 3,000
    pieces = split_text(body)
    assert any("*these words are bold*" in piece for piece in pieces)


@pytest.mark.parametrize(("length", "parts"), [(3000, 1), (3001, 2)])
def test_a_thread_starts_past_3000_characters(length: int, parts: int) -> None:
    """3,000 characters fit the channel message; one more and the rest is threaded."""
    body = (("x" * 99 + " ") * 40)[: length - 1] + "z"
    assert len(body) == length
    messages = build_letter_messages(letter=make_letter(body), count=0, zone=ZONE)
    assert len(messages) == parts
    assert letter_text_of([b for m in messages for b in m["blocks"]]) == body


def test_formatted_pieces_are_mrkdwn_and_plain_ones_are_shown_as_typed() -> None:
    """A piece with a link or emphasis is mrkdwn; one without is plain_text, unescaped,
    with a word joiner after a mention-shaped `<`."""
    body = "Plain &amp; simple &lt;!here&gt;.\n\n" + "x" * 3000 + "\n\nSee <https://e.org|it>."
    messages = build_letter_messages(letter=make_letter(body), count=0, zone=ZONE)
    texts = [
        block["text"]
        for message in messages
        for block in message["blocks"]
        if block.get("block_id", "").startswith(TEXT_BLOCK_PREFIX)
    ]
    assert texts[0]["type"] == "plain_text"
    assert texts[0]["text"].startswith("Plain & simple <\u2060!here>.")
    assert texts[-1] == {"type": "mrkdwn", "text": texts[-1]["text"], "verbatim": True}
    assert texts[-1]["text"].endswith("See <https://e.org|it>.")
    assert letter_text_of([b for m in messages for b in m["blocks"]]) == body


def test_a_closed_letter_has_no_sign_on_button_and_says_so() -> None:
    """Once closed, the post shows the final count and no button."""
    (message,) = build_letter_messages(
        letter=make_letter("Text.", status=LetterStatus.CLOSED, goal=100), count=42, zone=ZONE
    )
    assert all(block["type"] != "actions" for block in message["blocks"])
    assert (
        message["blocks"][-1]["elements"][0]["text"] == "*42 of 100* signed · sign-ons are closed"
    )


def test_the_notification_text_escapes_the_title() -> None:
    """A title that looks like a mention reaches notifications inert."""
    (message,) = build_letter_messages(
        letter=make_letter("Text.", title="<!channel> & friends"), count=0, zone=ZONE
    )
    assert message["text"] == "Sign-on letter: &lt;!channel&gt; &amp; friends"


def web_link_text(message: dict[str, Any]) -> str | None:
    found = [b for b in message["blocks"] if b.get("block_id") == WEB_LINK_BLOCK]
    return found[0]["elements"][0]["text"] if found else None


def test_an_open_letter_with_a_public_page_links_to_it_under_the_sign_on_button() -> None:
    """Right after the button, before the count line; none without a page or once the
    letter is closed."""
    url = "https://sign.example.org/l/Zx9_k"
    (message,) = build_letter_messages(
        letter=make_letter("Text."), count=3, zone=ZONE, public_url=url
    )
    kinds = [block["type"] for block in message["blocks"]]
    assert kinds[-3:] == ["actions", "context", "context"]
    assert web_link_text(message) == f"Not in Slack? Sign on the web: <{url}>"
    assert message["blocks"][-1]["block_id"] == COUNT_BLOCK
    check_message(message)
    (without,) = build_letter_messages(letter=make_letter("Text."), count=3, zone=ZONE)
    assert web_link_text(without) is None
    (closed,) = build_letter_messages(
        letter=make_letter("Text.", status=LetterStatus.CLOSED), count=3, zone=ZONE, public_url=url
    )
    assert web_link_text(closed) is None


def test_the_public_page_link_cannot_be_made_to_show_another_address() -> None:
    """An address carrying `|`, `>` or `&` stays one link to itself: no label of its own,
    nothing after it read as markup."""
    url = "https://sign.example.org/l/a|https://evil.example>&x=<!channel>"
    (message,) = build_letter_messages(
        letter=make_letter("Text."), count=0, zone=ZONE, public_url=url
    )
    text = web_link_text(message)
    assert text == (
        "Not in Slack? Sign on the web: "
        "<https://sign.example.org/l/a%7Chttps://evil.example%3E&amp;x=%3C!channel%3E>"
    )
