"""A sign-on waiting to be recorded, and what recording a batch of them needs of the
letter's dedupe index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.rules.outcomes import Arrival
from bot.rules.signons import SignerKind, Submission


@dataclass(frozen=True, slots=True)
class Pending:
    """A checked sign-on waiting to be recorded, with its dedupe key."""

    submission: Submission
    key: str
    now: datetime
    closed_ok: bool = False  # imports may add to a closed letter
    trusted: bool = False  # by an organizer or lead of the letter: never held
    leaving: int | None = None  # the entry its signer is leaving for this one

    @property
    def arrival(self) -> Arrival:
        return Arrival(
            (self.submission.kind.value, self.key),
            self.submission.user_id,
            self.submission.import_ref,
            organization=self.submission.kind is SignerKind.ORGANIZATION,
            trusted=self.trusted,
        )


@dataclass(slots=True)
class KnownCount:
    """A letter's count of active entries as this process's last batch left it, and when
    that was (`seen`: on SQLite, the connection that wrote it and that connection's
    `data_version`, which only other connections' commits change). While nobody else has
    written since, the next batch adds its new entries to it instead of counting the
    letter's entries again. Dropped, with the index, when a batch fails."""

    count: int | None = None
    seen: tuple[int, int] | None = None


class LetterClosed(Exception):
    """The letter closed before these sign-ons could be recorded; nothing was."""


class DuplicateIndex(Protocol):
    """What recording needs from the dedupe index (bot.rules.signer_index.SignerIndex)."""

    @property
    def newest(self) -> int: ...

    def add(self, signer_id: int, key: str) -> None: ...

    def possible(self, key: str) -> tuple[int, ...]: ...

    def same_as(self, key: str) -> str | None: ...
