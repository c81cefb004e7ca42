"""The text objects every builder uses, and the limits Slack holds them to.

Anything a person typed goes into a message either as `plain_text` (shown literally) or
through `escape()` into `mrkdwn`, so it can never ping `@channel`, mention someone or
fake a link.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.rules.language import current, ngettext, number, time_of_day
from bot.rules.language import gettext as _
from bot.rules.mrkdwn import ATOMIC, emphases
from bot.rules.mrkdwn import escape as escape
from bot.rules.mrkdwn import joined as joined_in_english
from bot.rules.timing import clock, time_to

# Block Kit's limits (Slack's Block Kit reference).
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100  # in a select menu
MESSAGE_BLOCKS_MAX = 50
MODAL_TITLE_MAX = 24
# A notification's text (a message's `text` beside its blocks), kept to a section's
# length: it is what a phone shows, and Slack cuts it far sooner.
NOTIFICATION_TEXT_MAX = 3000
# Slack refuses a message whose blocks hold more than about 12,000 characters of text in
# all (`msg_blocks_too_long`, undocumented: slackapi/bolt-js#2509 measured ~13,200, and
# #2867 was refused at 11,341 counting text fields alone, so containers count too).
# Every message the bot builds stays within this, measured over the blocks' whole JSON,
# which counts more than any reading of that rule.
MESSAGE_SIZE_MAX = 10_000

Block = dict[str, Any]

_CONTROL_SEQUENCE = re.compile(r"<(?=[!@#]|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)


# An id in a button's value or a form's metadata: what the database's integers hold.
_ID = re.compile(r"[0-9]{1,9}")


def read_id(text: object) -> int | None:
    """The id `text` holds, or None for anything else (a stale or garbled value)."""
    return int(text) if isinstance(text, str) and _ID.fullmatch(text) else None


def inert(text: str) -> str:
    """Text a person typed, for a plain_text object.

    Slack shows plain_text as written and never acts on `<!channel>` there. But text is
    copied out of posts into messages, where it would: a word joiner (invisible) after
    the `<` of anything shaped like a mention or link keeps it inert wherever it goes.
    Apply before truncating, as it can lengthen the text.
    """
    return _CONTROL_SEQUENCE.sub("<\u2060", text)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def signed_count(count: int, goal: int | None) -> str:
    """The count, as every surface says it: '*118 of 150* signed', or '*118* signed'."""
    if goal:
        return ngettext("*{count} of {goal}* signed", "*{count} of {goal}* signed", count).format(
            count=number(count), goal=number(goal)
        )
    return ngettext("*{count}* signed", "*{count}* signed", count).format(count=number(count))


def joined(
    items: Sequence[str],
    *,
    limit: int,
    most: int | None = None,
    separator: str = ", ",
    more: Callable[[int], str] | None = None,
) -> str:
    """`bot.rules.mrkdwn.joined`, its "and 3 more" in the reader's language."""
    return joined_in_english(
        items, limit=limit, most=most, separator=separator, more=more or and_more
    )


def and_more(count: int) -> str:
    """' and 3 more', after the names a list had room for."""
    return ngettext(" and {count} more", " and {count} more", count).format(count=number(count))


def time_left_text(deadline: datetime, *, now: datetime) -> str:
    """'3 days left', '1 hour left', '20 minutes left'."""
    unit, n = time_to(deadline, now=now)
    if unit == "day":
        phrase = ngettext("{count} day left", "{count} days left", n)
    elif unit == "hour":
        phrase = ngettext("{count} hour left", "{count} hours left", n)
    else:
        phrase = ngettext("{count} minute left", "{count} minutes left", n)
    return phrase.format(count=number(n))


def in_time_text(deadline: datetime, *, now: datetime) -> str:
    """'in 3 days', 'in 1 hour', 'in 20 minutes'."""
    unit, n = time_to(deadline, now=now)
    if unit == "day":
        phrase = ngettext("in {count} day", "in {count} days", n)
    elif unit == "hour":
        phrase = ngettext("in {count} hour", "in {count} hours", n)
    else:
        phrase = ngettext("in {count} minute", "in {count} minutes", n)
    return phrase.format(count=number(n))


def deadline_text(moment: datetime, *, zone: ZoneInfo, reader: ZoneInfo | None = None) -> str:
    """'Mon Nov 23, 5:00 PM ET' in the coalition's `zone`, and where the `reader`'s own
    zone is known and its clock differs, theirs beside it: '(2:00 PM your time)'."""
    text = clock(moment, zone)
    if reader is None or reader.key == zone.key:
        return text
    theirs, ours = moment.astimezone(reader), moment.astimezone(zone)
    if theirs.utcoffset() == ours.utcoffset():
        return text
    when = time_of_day(moment, reader)
    if theirs.date() != ours.date():
        weekday = format_datetime(theirs, "EEE", locale=current().value)
        when = f"{weekday} {when}"
    return _("{deadline} ({time} your time)").format(deadline=text, time=when)


def slack_date(moment: datetime, *, zone: ZoneInfo, token: str | None = None) -> str:
    """A date each reader sees in their own timezone; the fallback uses `zone`. The
    `token` is Slack's (https://api.slack.com/reference/surfaces/formatting#date-formatting);
    by default '{date_long_pretty} at {time}'."""
    if token is None:
        # Slack fills the tokens in; the words between them are ours.
        token = _("{date_long_pretty} at {time}")
    local = moment.astimezone(zone)
    language = current().value
    fallback = _("{weekday}, {month} {day}, {year} at {time} {zone}").format(
        weekday=format_datetime(local, "EEEE", locale=language),
        month=format_datetime(local, "MMMM", locale=language),
        day=local.day,
        year=local.year,
        time=time_of_day(moment, zone),
        zone=local.tzname(),
    )
    return f"<!date^{int(moment.timestamp())}^{token}|{escape(fallback)}>"


def size(blocks: Sequence[Block]) -> int:
    """A message's blocks as Slack's length rule sees them at most: their whole JSON."""
    return len(json.dumps(list(blocks), ensure_ascii=False, separators=(",", ":")))


def fitted(
    groups: Sequence[Sequence[Block]],
    *,
    before: Sequence[Block] = (),
    after: Sequence[Block] = (),
    more: Callable[[int], Block],
) -> list[Block]:
    """`before`, as many of `groups` as one message holds (in blocks and in size), a
    note from `more(n)` when n groups didn't fit, then `after`."""
    fixed = [*before, *after]
    budget = MESSAGE_SIZE_MAX - size(fixed) - size([more(len(groups))])
    room = MESSAGE_BLOCKS_MAX - len(fixed) - 1
    kept: list[Block] = []
    shown = used = 0
    for group in groups:
        cost = size(group)
        if len(kept) + len(group) > room or used + cost > budget:
            break
        kept += group
        used += cost
        shown += 1
    note = [more(len(groups) - shown)] if shown < len(groups) else []
    return [*before, *kept, *note, *after]


# Where a long text may be cut, best first: after a blank line, a line, a sentence, a word.
_BREAKS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?;:])\s+"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters that join back to `text`.

    Each cut falls at the best break in the second half of the window, so pieces are
    full paragraphs wherever paragraphs fit; the whitespace at a cut stays with the
    piece before it. No cut falls inside a link, a mention or an entity, nor inside
    bold or italic words short enough to keep whole. A link longer than `limit` (never
    more than `LINK_MAX`) makes a piece of its own length rather than be cut.
    """
    spans = _whole_spans(text, limit)
    starts = [start for start, _ in spans]

    def inside(position: int) -> tuple[int, int] | None:
        """The span to keep whole that `position` falls inside, if any."""
        n = bisect.bisect_right(starts, position - 1) - 1
        if n >= 0 and spans[n][0] < position < spans[n][1]:
            return spans[n]
        return None

    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = _best_cut(text, start, start + limit, inside)
        pieces.append(text[start:cut])
        start = cut
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _whole_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """Where a cut must not fall, as sorted, non-overlapping (start, end) spans."""
    spans = sorted(
        [match.span() for match in ATOMIC.finditer(text)]
        + [(e.start, e.end) for e in emphases(text) if e.end - e.start <= limit // 2]
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_cut(
    text: str, start: int, end: int, inside: Callable[[int], tuple[int, int] | None]
) -> int:
    window = text[start:end]
    for pattern in _BREAKS:
        ends = [
            start + match.end()
            for match in pattern.finditer(window)
            if match.start() > 0 and inside(start + match.end()) is None
        ]
        if ends and ends[-1] - start >= len(window) // 2:
            return ends[-1]
    span = inside(end)
    if span is None:
        return end
    return span[0] if span[0] > start else span[1]


def text_sections(text: str) -> list[Block]:
    """mrkdwn text as sections of at most 3,000 characters each, cut between lines."""
    return [{"type": "section", "text": mrkdwn(piece)} for piece in split_text(text)]
