"""Which letter a person means: one grammar for /letter, /signon and buttons."""

from __future__ import annotations

import pytest

from bot.rules.problems import NotALetterNumber, Surface
from bot.services.refs import Reference, only_number, split_ref


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("#3 friday 5pm", Reference(3, "friday 5pm")),
        ("#3 Mijente", Reference(3, "Mijente")),
        ("#3", Reference(3, "")),
        ("3", Reference(3, "")),
        ("  #12  ", Reference(12, "")),
        ("friday 5pm", Reference(None, "friday 5pm")),
        ("10 december 5pm", Reference(None, "10 december 5pm")),
        ("3 Sisters Collective", Reference(None, "3 Sisters Collective")),
        ("Local #3 Union", Reference(None, "Local #3 Union")),
        ("", Reference(None, "")),
    ],
)
def test_a_number_names_a_letter_with_a_hash_or_alone(typed: str, reference: Reference) -> None:
    """`#3` names letter 3 before anything; a bare 3 only when nothing follows it, since
    it could be part of a date or of an organization's name."""
    assert split_ref(typed) == reference


def test_where_only_a_letter_may_be_named_anything_else_is_refused() -> None:
    """`/letter close #3 now` or a crafted button value is not a letter number."""
    assert only_number("#3", surface=Surface.LETTER) == 3
    assert only_number("", surface=Surface.LETTER) is None
    with pytest.raises(NotALetterNumber) as raised:
        only_number("#3 now", surface=Surface.LETTER)
    assert raised.value.text == "#3 now"
    with pytest.raises(NotALetterNumber):
        only_number("<!channel>", surface=Surface.BUTTON)
