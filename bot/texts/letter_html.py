"""A letter's text as HTML for its public web page: paragraphs, line breaks, lists,
bold, italics, strikethrough, code and links, from the letter's markup (see
`bot.rules.letter_text`). Every character of the letter reaches the page escaped, so
nothing in a letter can add a tag, an attribute, a script or a style. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from bot.rules.mrkdwn import ANGLE_TOKEN, emphases, unescape

# The addresses a letter may link to, as `bot.rules.letter_text` keeps them: any other
# (javascript:, data: ...) shows as it is written.
_LINK_SCHEMES = ("http", "https", "mailto")
# Search engines are not to credit the places a letter links to, nor those places to see
# the page the reader came from.
_LINK = '<a href="{}" rel="nofollow noopener noreferrer">{}</a>'
_TAGS = {"*": "strong", "_": "em", "~": "s", "`": "code"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A list item: indented four spaces a level (as `bot.texts.docx_letter` writes them),
# then a bullet (Slack's for each level, or a typed hyphen) or a number, then a space.
_ITEM = re.compile(r"(?P<indent>[ \t]*)(?:[•◦▪-]\ufe0e?|(?P<number>[0-9]{1,9})\.)[ \t]+")


@dataclass(frozen=True)
class _Item:
    level: int
    number: int | None  # None in a bulleted list
    text: str  # markup


def letter_html(markup: str) -> Markup:
    """The letter as HTML: a `<p>` for each paragraph (its lines broken with `<br>`), a
    `<ul>` or `<ol>` for its lines of `•` or `1.`, and links only to web and mail
    addresses."""
    blocks: list[Markup] = []
    for paragraph in _PARAGRAPH_BREAK.split(markup):
        lines: list[str] = []
        items: list[_Item] = []
        for line in paragraph.split("\n"):
            item = _item(line)
            if item is not None and lines:
                blocks.append(_paragraph(lines))
                lines = []
            if item is None and items:
                blocks.append(_list(items))
                items = []
            if item is not None:
                items.append(item)
            elif line.strip():
                lines.append(line)
        if lines:
            blocks.append(_paragraph(lines))
        if items:
            blocks.append(_list(items))
    return Markup("\n").join(blocks)


def _item(line: str) -> _Item | None:
    found = _ITEM.match(line)
    if found is None:
        return None
    level = len(found["indent"].expandtabs(4)) // 4
    number = int(found["number"]) if found["number"] else None
    return _Item(level, number, line[found.end() :])


def _paragraph(lines: list[str]) -> Markup:
    return Markup("<p>{}</p>").format(Markup("<br>\n").join(_inline(line) for line in lines))


def _list(items: list[_Item]) -> Markup:
    """Lists of items, nested by level: an item deeper than the one before it starts a
    list inside that item. Numbers stay as the letter gives them: an item numbered other
    than its list would count it says so with `value`."""
    html: list[Markup] = []
    open_lists: list[tuple[str, int]] = []  # outermost first: each one's tag, next number
    for item in items:
        tag = "ul" if item.number is None else "ol"
        level = min(item.level, len(open_lists))  # at most one level deeper than the last
        while len(open_lists) > level + 1 or (
            len(open_lists) == level + 1 and open_lists[-1][0] != tag
        ):
            html.append(Markup("</li></{}>").format(open_lists.pop()[0]))
        if len(open_lists) == level + 1:
            html.append(Markup("</li>"))
        else:
            html.append(Markup("<{}>").format(tag))
            open_lists.append((tag, 1))
        if item.number in (None, open_lists[-1][1]):
            html.append(Markup("<li>"))
        else:
            html.append(Markup('<li value="{}">').format(item.number))
        html.append(_inline(item.text))
        open_lists[-1] = (tag, (item.number or 0) + 1)
    html.extend(Markup("</li></{}>").format(tag) for tag, _ in reversed(open_lists))
    return Markup("").join(html)


def _inline(text: str, inside: frozenset[str] = frozenset()) -> Markup:
    """One line of markup: its emphasis (a marker `inside` one of its own kind is shown
    as it is, which keeps the nesting as shallow as there are markers) and its links."""
    # Emphasis is found with each link masked out, so a marker in an address is no marker
    # and a whole link can be bold.
    masked = ANGLE_TOKEN.sub(lambda token: "\0" * len(token[0]), text)
    html: list[Markup] = []
    at = 0
    for start, end, marker in emphases(masked):
        html.append(_linked(text[at:start]))
        if marker in inside:
            html.append(_linked(text[start:end]))
        else:
            inner = text[start + 1 : end - 1]
            # Code shows its markers as they are.
            shown = _linked(inner) if marker == "`" else _inline(inner, inside | {marker})
            html.append(Markup("<{0}>{1}</{0}>").format(_TAGS[marker], shown))
        at = end
    html.append(_linked(text[at:]))
    return Markup("").join(html)


def _linked(text: str) -> Markup:
    """Text with its links. Anything else in angle brackets (which a letter's markup
    never holds: `bot.rules.letter_text` keeps only links) shows as it is written."""
    html: list[Markup | str] = []
    at = 0
    for token in ANGLE_TOKEN.finditer(text):
        html.append(unescape(text[at : token.start()]))
        target, label = unescape(token[1]), unescape(token[2] or "")
        scheme, _, address = target.partition(":")
        if scheme.lower() in _LINK_SCHEMES and address:
            shown = label or (address if scheme.lower() == "mailto" else target)
            html.append(Markup(_LINK).format(target, shown))
        else:
            html.append(unescape(token[0]))
        at = token.end()
    html.append(unescape(text[at:]))
    return Markup("").join(html)
