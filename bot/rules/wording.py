"""How a number and its noun are said, the same on every surface: '1 contact',
'3 contacts', '2 people', '1,204 organizations'."""

from __future__ import annotations

# Nouns whose plural isn't the noun and an s.
_IRREGULAR = {"person": "people", "entry": "entries", "member organization": "member organizations"}


def plural(count: int, noun: str) -> str:
    """`count` and `noun`, the noun in the plural unless there is exactly one."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {_IRREGULAR.get(noun, noun + 's')}"


def noun_for(count: int, noun: str) -> str:
    """`noun` as it goes after `count` (which is said apart, bold, say)."""
    return plural(count, noun).split(" ", 1)[1]
