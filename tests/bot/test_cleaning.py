"""What people type is stored with the same words, minus what hides or disguises text."""

from __future__ import annotations

from bot.rules.cleaning import one_line, paragraphs


def test_a_name_loses_control_characters_and_extra_spaces() -> None:
    assert one_line("Voces\x00 de   la\nFrontera\x1b") == "Voces de la Frontera"


def test_text_that_would_display_reversed_or_hidden_is_made_plain() -> None:
    """A right-to-left override can make 'gro.live' show as 'evil.org'; zero-width
    characters make two identical-looking names differ. Both go."""
    assert one_line("\u202egro.live\u202c Fund") == "gro.live Fund"
    assert one_line("Uni\u200bted\u2066 We\u2069 Dream\ufeff") == "United We Dream"


def test_emoji_and_scripts_that_need_joiners_keep_them() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert one_line(f"Familias {family} Unidas") == f"Familias {family} Unidas"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # needs its ZWNJ
    assert one_line(persian) == persian


def test_a_letter_keeps_its_paragraphs_and_loses_overrides() -> None:
    assert paragraphs("\r\nDear Jane,\r\n\r\nAct\u202e now.\u2028Thanks\x07\n") == (
        "Dear Jane,\n\nAct now.\nThanks"
    )
