"""Tidying what people type before it is stored: the same words, without the characters
that break text or disguise it.

Control characters go. So do the bidirectional overrides and isolates that make text
display in an order other than the one it was typed in ("‮gro.live" shown as
"evil.org"), and, in one-line fields such as names, the invisible characters that make
two identical-looking names differ. Joiners that some scripts and emoji need stay.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_INVISIBLE = re.compile("[\u200b\u2060-\u2064\ufeff\u00ad\u180e]")


def one_line(text: str) -> str:
    """A name, title or place: one line, single spaces, nothing hidden or reordered."""
    text = _INVISIBLE.sub("", _BIDI_CONTROLS.sub("", text))
    return " ".join(_CONTROL.sub(" ", text).split())


def paragraphs(text: str) -> str:
    """A letter's text: its lines and paragraphs kept, tidy edges, nothing reordered."""
    text = _LINE_BREAKS.sub("\n", text)
    return _BIDI_CONTROLS.sub("", _CONTROL.sub("", text)).strip()
