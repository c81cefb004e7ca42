"""Files: those the bot sends (exports, the document, the chart), and why one it is
given holds no letter it can read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.limits import BODY_MAX


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: an export, the document, a chart (an image has alt
    text, for screen readers)."""

    name: str
    title: str
    content: str | bytes
    alt_text: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A drive's chart for the message it goes with: its image, or none, before anyone
    has signed or because it couldn't be drawn (`failed`: the message says so, and the
    files go without it)."""

    image: Attachment | None = None
    failed: bool = False

    @property
    def files(self) -> list[Attachment]:
        return [self.image] if self.image is not None else []


class Unreadable(Exception):
    """The file holds no letter the bot can read; the message says why (plain words)."""


def too_long() -> Unreadable:
    """Why a file holding more than any letter is refused."""
    return Unreadable(f"it holds more text than a letter can ({BODY_MAX:,} characters at most)")
