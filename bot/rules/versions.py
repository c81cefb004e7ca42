"""What changed between two versions of a letter, paragraph by paragraph, for signers
who signed the earlier one. Pure functions, no I/O."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.letter_text import to_plain
from bot.rules.letters import LetterVersion


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    """One paragraph added, removed or changed, as a reader reads it (plain text)."""

    kind: ChangeKind
    before: str = ""
    after: str = ""


def changes(old: LetterVersion, new: LetterVersion) -> list[Change]:
    """The addressee if it changed, then the paragraphs added, removed and changed, in
    the order they come in the letter."""
    found = []
    if old.addressee != new.addressee:
        found.append(Change(ChangeKind.CHANGED, f"To: {old.addressee}", f"To: {new.addressee}"))
    before, after = _paragraphs(old.body), _paragraphs(new.body)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            continue
        removed, added = before[a_start:a_end], after[b_start:b_end]
        paired = min(len(removed), len(added))
        found += [Change(ChangeKind.CHANGED, a, b) for a, b in zip(removed, added, strict=False)]
        found += [Change(ChangeKind.REMOVED, before=a) for a in removed[paired:]]
        found += [Change(ChangeKind.ADDED, after=b) for b in added[paired:]]
    return found


def _paragraphs(markup: str) -> list[str]:
    """The text's paragraphs as a reader reads them, blank lines between them."""
    text = to_plain(markup).replace("\r\n", "\n")
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]
