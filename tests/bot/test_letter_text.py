"""A letter's markup: Slack's mrkdwn, held to links and emphasis, never a mention."""

from __future__ import annotations

import pytest

from bot.rules.letter_text import emphasized, from_plain, from_slack, has_formatting, link, to_plain


def test_typed_text_is_escaped_and_kept_as_written() -> None:
    """What is typed into the form reads back exactly, and can't become a link."""
    typed = "Dear Jane & co,\r\n\r\n<!channel> <https://evil.example|ok> *now*\x00"
    assert from_plain(typed) == (
        "Dear Jane &amp; co,\n\n&lt;!channel&gt; &lt;https://evil.example|ok&gt; *now*"
    )
    assert to_plain(from_plain(typed)) == (
        "Dear Jane & co,\n\n<!channel> <https://evil.example|ok> *now*"
    )


@pytest.mark.parametrize(
    ("encoded", "markup"),
    [
        ("Tom &amp; Jerry &lt;3", "Tom &amp; Jerry &lt;3"),
        (
            "see <https://example.org/a?b=1&amp;c=2|the report>",
            "see <https://example.org/a?b=1&amp;c=2|the report>",
        ),
        ("see <https://example.org>", "see <https://example.org>"),
        ("write <mailto:a@b.org|a@b.org>", "write <mailto:a@b.org|a@b.org>"),
        ("thanks <@U123|maria> and <@U456>", "thanks @maria and @U456"),
        ("in <#C123|general>", "in #general"),
        ("hey <!here> and <!channel>", "hey @here and @channel"),
        ("team <!subteam^S1|@leads>", "team @leads"),
        ("by <!date^1700000000^{date}|Nov 14>", "by Nov 14"),
        ("<javascript:alert(1)|click>", "click"),
        ("a stray < and & > in text", "a stray &lt; and &amp; &gt; in text"),
        (
            "*bold* _it_ ~no~\n• one\n    ◦ two\n1. three",
            "*bold* _it_ ~no~\n• one\n    ◦ two\n1. three",
        ),
    ],
)
def test_a_pasted_message_keeps_links_and_emphasis_and_loses_mentions(
    encoded: str, markup: str
) -> None:
    """Slack's encoding of a message becomes markup that shows what the reader saw."""
    assert from_slack(encoded) == markup


@pytest.mark.parametrize(
    ("url", "label", "markup"),
    [
        ("https://e.org/x", "our report", "<https://e.org/x|our report>"),
        ("https://e.org/x", "", "<https://e.org/x>"),
        ("https://evil.example", "https://bank.example", "<https://evil.example>"),
        ("https://evil.example", "bank.example/login", "<https://evil.example>"),
        ("https://www.e.org/x", "e.org", "<https://www.e.org/x|e.org>"),
        ("https://docs.e.org/x", "See e.org's guide", "<https://docs.e.org/x|See e.org's guide>"),
        ("https://evil.example", "bank.example/login?ref=evil.example", "<https://evil.example>"),
        ("https://e.org", "notreallye.org", "<https://e.org>"),
        ("mailto:x@evil.org", "help@bank.example", "<mailto:x@evil.org>"),
        ("https://congress.gov/b", "H.R. 5376", "<https://congress.gov/b|H.R. 5376>"),
        (
            "https://e.org/s",
            "U.S. Senate letter, section 3.2",
            "<https://e.org/s|U.S. Senate letter, section 3.2>",
        ),
        ("https://e.org/a|b>c", "x & y", "<https://e.org/a%7Cb%3Ec|x &amp; y>"),
        ("ftp://e.org/file", "file", "file"),
    ],
)
def test_a_link_shows_where_it_goes(url: str, label: str, markup: str) -> None:
    """A label that names another address is dropped; only web and mail links link."""
    assert link(url, label) == markup


def test_plain_text_spells_links_out() -> None:
    """For files and previews: the label, then the address; entities decoded once."""
    assert to_plain("<https://e.org/?a=1&amp;b=2|the &amp;lt; report> and <mailto:a@b.org>") == (
        "the &lt; report (https://e.org/?a=1&b=2) and a@b.org"
    )


def test_formatting_is_found_only_where_mrkdwn_would_show_it() -> None:
    """Links and word-hugging emphasis count; arithmetic and snake_case don't."""
    assert has_formatting("see <https://e.org>")
    assert has_formatting("we *urge* you") and has_formatting("_de facto_")
    assert not has_formatting("5*3*2 and snake_case_name and a * b")
    assert not has_formatting("Tom &amp; Jerry")


def test_emphasis_leaves_edge_spaces_outside_its_markers() -> None:
    """mrkdwn needs the marker against the word: ' now ' becomes ' *now* '."""
    assert emphasized(" now ", "*") == " *now* "
    assert emphasized("  ", "_") == "  "
