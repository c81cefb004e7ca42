"""Which letter a person means: `#3`, a bare `3`, or the channel's own letter.

One grammar for `/letter`, `/signon` and buttons. `#3` at the start names letter 3
whatever follows it. A bare number names a letter only when it is all that was typed:
before a time (`10 december 5pm`) it is part of the date, and before a name
(`3 Sisters Collective`) part of the organization. With no number, the channel says
which: its only letter (of a given status).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rules.letters import Letter, LetterStatus
from bot.rules.problems import (
    LetterRemoved,
    NoLetterHere,
    NoSuchLetter,
    NotALetterNumber,
    SeveralLetters,
    Surface,
)
from bot.services.workspace import Workspace
from bot.storage import Store

_HASH_NUMBER = re.compile(r"#([0-9]{1,9})")
_NUMBER = re.compile(r"#?([0-9]{1,9})")


@dataclass(frozen=True, slots=True)
class Reference:
    """A letter's number, if one was given, and the rest of what was typed."""

    number: int | None
    rest: str


def split_ref(text: str) -> Reference:
    """'#3 friday 5pm' → (3, 'friday 5pm'); '3' and '#3' → (3, ''); 'friday 5pm',
    '10 december 5pm' and '3 Sisters' → (None, the text)."""
    text = text.strip()
    first, _, rest = text.partition(" ")
    hashed = _HASH_NUMBER.fullmatch(first)
    if hashed:
        return Reference(int(hashed.group(1)), rest.strip())
    alone = _NUMBER.fullmatch(text)
    if alone:
        return Reference(int(alone.group(1)), "")
    return Reference(None, text)


def only_number(text: str, *, surface: Surface) -> int | None:
    """The letter `text` names when nothing else may follow the number (`/letter close
    #3`, `/signon status`, a button's value); None when `text` is empty."""
    ref = split_ref(text)
    if ref.rest:
        raise NotALetterNumber(text.strip(), surface)
    return ref.number


def letter_number(text: str, *, surface: Surface) -> int:
    """The letter `text` names, as a button's value must."""
    number = only_number(text, surface=surface)
    if number is None:
        raise NotALetterNumber(text.strip(), surface)
    return number


async def numbered(store: Store, number: int, *, surface: Surface) -> Letter:
    letter = await store.letters.get(number)
    if letter is None:
        raise NoSuchLetter(number, surface)
    if letter.status is LetterStatus.REMOVED:
        raise LetterRemoved(letter)
    return letter


async def find_letter(
    store: Store, text: str, *, channel: str, status: LetterStatus | None, surface: Surface
) -> Letter:
    """The letter `text` names, or else the only letter (with `status`) in `channel`."""
    number = only_number(text, surface=surface)
    if number is not None:
        return await numbered(store, number, surface=surface)
    return await only_letter_in(store, channel, status=status, surface=surface)


async def managed_letter(
    store: Store,
    workspace: Workspace,
    text: str,
    *,
    user: str,
    channel: str,
    status: LetterStatus | None,
) -> Letter:
    """The letter `text` (or the channel) names, if `user` may manage it."""
    letter = await find_letter(store, text, channel=channel, status=status, surface=Surface.LETTER)
    await workspace.organizers.require_manager(user, letter)
    return letter


async def only_letter_in(
    store: Store, channel: str, *, status: LetterStatus | None, surface: Surface
) -> Letter:
    candidates = await store.letters.in_channel(channel, status=status)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NoLetterHere(status, surface)
    raise SeveralLetters(candidates, status)
