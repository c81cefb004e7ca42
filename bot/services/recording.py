"""Recording batches of sign-ons, each letter's dedupe index kept beside the writes.

`SignOns` queues sign-ons and answers them; a `Recording` writes each batch and says
what became of it. `Recorder` does that in the process it is made in. The bot serves
Slack with one in a process of its own (`bot.recorder`), so that judging and writing a
burst runs beside the web server rather than in turn with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from bot.rules.letters import LetterStatus
from bot.rules.signer_index import SignerIndex
from bot.rules.signons import Recorded
from bot.storage import Store
from bot.storage.signon_pending import KnownCount, Pending

# Attempts at a batch that collides with another process's new entry.
RECORD_ATTEMPTS = 3


class Recording(Protocol):
    async def prepare(self) -> None:
        """Ready for the first batch: each open letter's signers in its index."""

    async def record(self, letter_id: int, batch: Sequence[Pending]) -> tuple[list[Recorded], int]:
        """Record `batch` in one transaction, in order: each sign-on's outcome and the
        letter's count right after. Raises `LetterClosed` when nothing was recorded
        because the letter closed."""
        ...


@dataclass(slots=True)
class _Known:
    """What this process keeps of a letter between its batches."""

    index: SignerIndex = field(default_factory=SignerIndex)
    count: KnownCount = field(default_factory=KnownCount)


class Recorder:
    """Records sign-ons through `store`, with a dedupe index per letter kept here (and
    the count the last batch left)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._letters: dict[int, _Known] = {}

    async def prepare(self) -> None:
        """Read each open letter's signers into its index (ten thousand names take a
        noticeable moment): a letter's announcement brings a burst, and after a restart
        it finds them ready."""
        for letter in await self._store.letters.all(status=LetterStatus.OPEN):
            await self._store.signatures.catch_up(letter.id, self._known(letter.id).index)

    async def record(self, letter_id: int, batch: Sequence[Pending]) -> tuple[list[Recorded], int]:
        for attempt in range(RECORD_ATTEMPTS):
            known = self._known(letter_id)
            try:
                return await self._store.signatures.record(
                    letter_id, batch, index=known.index, known=known.count
                )
            except IntegrityError:
                # Another process added one of these organizations first (PostgreSQL runs
                # such transactions side by side). The index saw rows that were rolled
                # back, so it starts afresh; the next attempt finds their entries.
                del self._letters[letter_id]
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
            except BaseException:
                self._letters.pop(letter_id, None)
                raise
        raise AssertionError("unreachable")

    def _known(self, letter_id: int) -> _Known:
        return self._letters.setdefault(letter_id, _Known())
