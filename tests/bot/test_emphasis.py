"""mrkdwn's emphasis found in one pass: the same runs the pattern finds, on any text,
without the pattern's time on a line of markers that never close."""

from __future__ import annotations

import random
import re

from bot.rules.mrkdwn import Emphasis, emphases

# What the one pass must agree with, run for run.
PATTERN = re.compile(r"(?<![\w*_~`])([*_~`])(?=\S)[^\n]*?(?<=\S)\1(?![\w*_~`])")


def by_pattern(text: str) -> list[Emphasis]:
    return [Emphasis(m.start(), m.end(), m.group(1)) for m in PATTERN.finditer(text)]


def test_the_runs_found_are_the_patterns_on_random_text() -> None:
    """Thousands of strings over markers, words, spaces, newlines and punctuation."""
    alphabet = "*_~`ab é.\n\t1-"
    chosen = random.Random(19)
    for _ in range(3000):
        text = "".join(chosen.choice(alphabet) for _ in range(chosen.randrange(40)))
        assert list(emphases(text)) == by_pattern(text), repr(text)


def test_runs_as_letters_have_them() -> None:
    text = "Dear *Secretary*,\n_please_ act: ~not~ `later`. snake_case *stays*plain and *a*"
    assert [text[e.start : e.end] for e in emphases(text)] == [
        "*Secretary*",
        "_please_",
        "~not~",
        "`later`",
        "*stays*plain and *a*",  # a marker before a letter doesn't close
    ]


def test_a_line_of_markers_that_never_close_finds_nothing() -> None:
    line = "_a " * 30_000
    assert list(emphases(line)) == []
