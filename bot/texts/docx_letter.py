"""A letter read out of a Word (.docx) file: its paragraphs, bold, italics, links and
lists, as the letter's markup (see `bot.rules.letter_text`). A file that unpacks to,
or holds, more than any letter is refused as soon as that shows, before it is parsed
whole."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from bot.rules.files import Unreadable, too_long
from bot.rules.letter_text import emphasized, link
from bot.rules.limits import (
    DOCX_PARAGRAPHS_MAX,
    DOCX_PARTS_MAX,
    DOCX_UNPACKED_MAX,
    FILE_TEXT_MAX,
)
from bot.rules.mrkdwn import escape

logger = logging.getLogger(__name__)

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def docx_letter(data: bytes) -> str:
    _check_unpacked(data)
    try:
        return _word_markup(docx.Document(io.BytesIO(data)))
    except Unreadable:
        raise
    except MemoryError:
        raise
    except etree.XMLSyntaxError as problem:
        if problem.code == etree.ErrorTypes.ERR_NO_MEMORY:  # libxml2's way of saying so
            raise MemoryError from None
        logger.info("A Word file's XML is damaged: %s", problem)
        raise Unreadable(
            "it is damaged inside (Word can often still open it: save it again as .docx)"
        ) from None
    except Exception as problem:
        # A package python-docx doesn't expect can fail anywhere inside it, with any error.
        logger.info("Could not read a Word file: %r", problem)
        raise Unreadable(f"it isn't a Word document I can open ({problem})") from None


def _check_unpacked(data: bytes) -> None:
    """Refuse a Word file that unpacks to more than a letter could, from the sizes its
    zip directory states, before anything is inflated (zipfile never inflates a part
    past its stated size, so the statement holds)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except MemoryError:
        raise
    except Exception as problem:
        # Not a zip, or a damaged one: zipfile fails in several ways (a part's name that
        # isn't the UTF-8 it claims is a UnicodeDecodeError).
        raise Unreadable(f"it isn't a Word document I can open ({problem})") from None
    if len(parts) > DOCX_PARTS_MAX:
        raise Unreadable(f"it is made of more than {DOCX_PARTS_MAX:,} parts")
    if sum(part.file_size for part in parts) > DOCX_UNPACKED_MAX:
        raise Unreadable(f"it unpacks to more than {DOCX_UNPACKED_MAX // 1_000_000} MB")


def _word_markup(document: DocxDocument) -> str:
    styles = _ParagraphStyles(document)
    formats = _numbering_formats(document)
    numbers: dict[str, dict[int, int]] = {}  # each list's count at each level
    blocks: list[tuple[str, bool]] = []  # (markup, is a list item)
    length = 0  # of the markup so far
    for count, paragraph in enumerate(_paragraphs(document), 1):
        if count > DOCX_PARAGRAPHS_MAX:
            raise Unreadable(f"it has more than {DOCX_PARAGRAPHS_MAX:,} paragraphs")
        text = _inline(paragraph).strip()
        if not text:
            continue
        element = paragraph._element
        marker = _list_marker(element, styles.of(element), formats, numbers)
        blocks.append((marker + text, bool(marker)))
        length += len(marker) + len(text) + 2
        if length > FILE_TEXT_MAX:
            raise too_long()
    lines = []
    for n, (text, listed) in enumerate(blocks):
        if n:
            # List items follow each other line by line; everything else is a paragraph.
            lines.append("\n" if listed and blocks[n - 1][1] else "\n\n")
        lines.append(text)
    return "".join(lines)


def _paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    """The body's paragraphs in reading order, with those inside tables, cell by cell.

    A cell merged across columns is one `w:tc`; one merged down rows goes on in a `w:tc`
    in each row below that only says it continues, so each cell is read once, in the row
    where it starts. (python-docx's `row.cells` finds where each continuing cell starts
    by searching the rows above it, again for every cell.)
    """
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item._tbl.tr_lst:
                for cell in row.tc_lst:
                    if not _continues_above(cell):
                        yield from (Paragraph(p, item) for p in cell.p_lst)
        else:
            yield item


def _continues_above(cell: Any) -> bool:
    merge = cell.find("w:tcPr/w:vMerge", _NS)
    return merge is not None and _value(merge) in ("", "continue")


def _inline(paragraph: Paragraph) -> str:
    """A paragraph's text as markup: runs of one style emphasized together, links kept."""
    parts: list[str] = []
    styled: list[tuple[str, tuple[bool, bool, bool]]] = []

    def flush() -> None:
        for style, runs in _grouped(styled):
            parts.append(_styled("".join(runs), style))
        styled.clear()

    for element in _INNER_CONTENT(paragraph._p):
        if element.tag == _HYPERLINK:
            flush()
            hyperlink = Hyperlink(element, paragraph)
            label = hyperlink.text
            parts.append(link(hyperlink.url, label) if hyperlink.url else escape(label))
        else:
            run = Run(element, paragraph)
            text = "".join(str(piece) for piece in _RUN_CONTENT(element))
            styled.append((text, (bool(run.bold), bool(run.italic), bool(run.font.strike))))
    flush()
    return "".join(parts)


# What python-docx's `paragraph.iter_inner_content()` and `run.text` read, compiled once:
# python-docx compiles each XPath expression again at every call.
_INNER_CONTENT = etree.XPath("./w:r | ./w:hyperlink", namespaces=_NS)
_HYPERLINK = qn("w:hyperlink")
# Each of these elements is python-docx's own class, whose str() is its text ("\t" for a
# tab, "\n" for a line break).
_RUN_CONTENT = etree.XPath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab", namespaces=_NS)


def _grouped(
    runs: list[tuple[str, tuple[bool, bool, bool]]],
) -> Iterator[tuple[tuple[bool, bool, bool], list[str]]]:
    group: list[str] = []
    current: tuple[bool, bool, bool] | None = None
    for text, style in runs:
        if style != current and group:
            assert current is not None
            yield current, group
            group = []
        current = style
        group.append(text)
    if group and current is not None:
        yield current, group


def _styled(text: str, style: tuple[bool, bool, bool]) -> str:
    """Escaped text with mrkdwn emphasis, line by line (a marker can't span lines)."""
    bold, italic, strike = style
    lines = []
    for line in text.split("\n"):
        piece = escape(line)
        for on, marker in ((strike, "~"), (italic, "_"), (bold, "*")):
            if on:
                piece = emphasized(piece, marker)
        lines.append(piece)
    return "\n".join(lines)


def _numbering_formats(document: DocxDocument) -> dict[tuple[str, int], str]:
    """How each list numbers each level ("bullet", "decimal" …), from the numbering part
    (python-docx reads it but offers no API for it)."""
    try:
        # Looked up by its relationship: python-docx's `numbering_part` would try to make
        # one for a document that has none, which it can't do.
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:
        return {}
    numbering = cast(NumberingPart, part).element
    levels: dict[str, dict[int, str]] = {}  # each abstract list's format at each level
    for node in numbering.findall("w:abstractNum", _NS):
        formats = levels.setdefault(_value(node, "abstractNumId"), {})
        for level in node.findall("w:lvl", _NS):
            formats[_level(_value(level, "ilvl")) or 0] = _value(level.find("w:numFmt", _NS))
    return {
        (_value(num, "numId"), level): number_format
        for num in numbering.findall("w:num", _NS)
        for level, number_format in levels.get(_abstract_id(num), {}).items()
    }


def _abstract_id(num: Any) -> str:
    return _value(num.find("w:abstractNumId", _NS))


# Word's lists have nine levels, 0 to 8.
_LEVEL_MAX = 8


def _value(element: Any, name: str = "val") -> str:
    """A WordprocessingML attribute (`w:val` unless named), '' when absent."""
    if element is None:
        return ""
    return str(element.get(f"{{{_NS['w']}}}{name}") or "")


def _level(digits: str) -> int | None:
    """A list level written in `digits`, held within Word's levels; None for no number."""
    if not (digits.isascii() and digits.isdigit()):
        return None
    significant = digits.lstrip("0") or "0"
    return min(int(significant), _LEVEL_MAX) if len(significant) == 1 else _LEVEL_MAX


@dataclass(frozen=True)
class _Style:
    name: str  # as Word names it: "List Bullet 2"
    list_id: str  # the list the style puts its paragraphs in, '' for none


class _ParagraphStyles:
    """Each paragraph style's name and list, read from the styles part once (python-docx
    searches the styles part for a paragraph's style on every `paragraph.style`)."""

    def __init__(self, document: DocxDocument) -> None:
        self._by_id: dict[str, _Style] = {}
        self._default = _Style("", "")
        for element in document.styles.element.findall("w:style", _NS):
            if _value(element, "type") != "paragraph":
                continue
            style = _Style(
                _value(element.find("w:name", _NS)),
                _value(element.find("w:pPr/w:numPr/w:numId", _NS)),
            )
            if style_id := _value(element, "styleId"):
                self._by_id.setdefault(style_id, style)
            if _value(element, "default") in ("1", "true", "on"):
                self._default = style

    def of(self, paragraph: Any) -> _Style:
        """A `w:p` element's style: its own, else the document's default."""
        return self._by_id.get(_value(paragraph.find("w:pPr/w:pStyle", _NS)), self._default)


def _list_marker(
    paragraph: Any,
    style: _Style,
    formats: dict[tuple[str, int], str],
    numbers: dict[str, dict[int, int]],
) -> str:
    """'• ' or '3. ' (indented by level) for a list item, '' for any other paragraph."""
    # Numbered by the paragraph itself, else by its style.
    list_id = _value(paragraph.find("w:pPr/w:numPr/w:numId", _NS)) or style.list_id
    if list_id == "0":  # Word's way of taking a paragraph out of a list
        return ""
    if not list_id and not style.name.startswith(("List Bullet", "List Number")):
        return ""
    # A level from the numbering, else from the style's name ("List Bullet 2" is level 1).
    level = _level(_value(paragraph.find("w:pPr/w:numPr/w:ilvl", _NS)))
    if level is None:
        named = _level(style.name[len(style.name.rstrip("0123456789")) :])
        level = named - 1 if named else 0
    indent = "    " * level
    counts = numbers.setdefault(list_id or style.name, {})
    # An item at one level starts the numbering of the levels under it afresh.
    for deeper in [n for n in counts if n > level]:
        del counts[deeper]
    number_format = formats.get((list_id, level), "")
    numbered = number_format not in ("", "bullet", "none")
    if numbered or (not number_format and "Number" in style.name):
        counts[level] = counts.get(level, 0) + 1
        return f"{indent}{counts[level]}. "
    return f"{indent}{'◦' if level else '•'} "
