"""Reading a letter out of an attached file: plain text, Markdown, Word (.docx), PDF.

Pure functions, bytes in, the letter's markup out (see `bot.letter_text`). Word files
keep their paragraphs, bold, italics, links and lists; a PDF gives its text, with the
lines a page wrapped joined back into paragraphs. Anything else, or a file with no text
in it, is refused with a reason a person can act on.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from bot.letter_text import emphasized, from_plain, link
from bot.limits import DOCX_PARTS_MAX, DOCX_UNPACKED_MAX, FILE_MAX_BYTES, PDF_PAGES_MAX
from bot.mrkdwn import escape

logger = logging.getLogger(__name__)


class Kind(StrEnum):
    TEXT = "text"
    DOCX = "docx"
    PDF = "pdf"


class Unreadable(Exception):
    """The file holds no letter the bot can read; the message says why (plain words)."""


# Slack's `filetype` for each kind, with the extensions and MIME types that mean the same.
_FILETYPES = {
    Kind.TEXT: {"text", "txt", "markdown", "md", "plain"},
    Kind.DOCX: {"docx"},
    Kind.PDF: {"pdf"},
}
_EXTENSIONS = {".txt": Kind.TEXT, ".md": Kind.TEXT, ".docx": Kind.DOCX, ".pdf": Kind.PDF}
_MIMETYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Kind.DOCX,
    "application/pdf": Kind.PDF,
}


def kind_of(file: Mapping[str, Any]) -> Kind | None:
    """What kind of letter file a Slack file object is, if it is one the bot reads."""
    filetype = str(file.get("filetype") or "").lower()
    for kind, names in _FILETYPES.items():
        if filetype in names:
            return kind
    mimetype = str(file.get("mimetype") or "").lower()
    if mimetype in _MIMETYPES:
        return _MIMETYPES[mimetype]
    name = str(file.get("name") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    return Kind.TEXT if mimetype.startswith("text/") and mimetype != "text/html" else None


def read_letter(kind: Kind, data: bytes) -> str:
    """The letter's markup from a file's bytes; raises Unreadable."""
    if len(data) > FILE_MAX_BYTES:
        raise Unreadable(f"it is larger than {FILE_MAX_BYTES // 1_000_000} MB")
    if kind is Kind.DOCX:
        markup = _docx_letter(data)
    elif kind is Kind.PDF:
        markup = _pdf_letter(data)
    else:
        markup = from_plain(decode_text(data))
    if not markup.strip():
        raise Unreadable(
            "it has no text in it (a scanned letter is a picture of text, which I can't read)"
        )
    return markup


def decode_text(data: bytes) -> str:
    """A text file's contents: UTF-8 (with or without a byte-order mark), UTF-16 as
    Excel writes it, else Latin-1, which every byte is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable("it says it is UTF-16 text but isn't readable as such") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# Word


def _docx_letter(data: bytes) -> str:
    _check_unpacked(data)
    try:
        return _word_markup(docx.Document(io.BytesIO(data)))
    except Unreadable:
        raise
    except MemoryError:
        raise
    except etree.XMLSyntaxError as problem:
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
    except zipfile.BadZipFile as problem:
        raise Unreadable(f"it isn't a Word document I can open ({problem})") from None
    if len(parts) > DOCX_PARTS_MAX:
        raise Unreadable(f"it is made of more than {DOCX_PARTS_MAX:,} parts")
    if sum(part.file_size for part in parts) > DOCX_UNPACKED_MAX:
        raise Unreadable(f"it unpacks to more than {DOCX_UNPACKED_MAX // 1_000_000} MB")


def _word_markup(document: DocxDocument) -> str:
    formats = _numbering_formats(document)
    numbers: defaultdict[tuple[str, int], int] = defaultdict(int)
    blocks: list[tuple[str, bool]] = []  # (markup, is a list item)
    for paragraph in _paragraphs(document):
        text = _inline(paragraph).strip()
        if not text:
            continue
        marker = _list_marker(paragraph, formats, numbers)
        blocks.append((marker + text, bool(marker)))
    lines = []
    for n, (text, listed) in enumerate(blocks):
        if n:
            # List items follow each other line by line; everything else is a paragraph.
            lines.append("\n" if listed and blocks[n - 1][1] else "\n\n")
        lines.append(text)
    return "".join(lines)


def _paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    """The body's paragraphs in reading order, with those inside tables, cell by cell
    (a cell merged across columns or rows is read once)."""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            # A merged cell appears once per grid position, as the same XML element:
            # holding the elements keeps each one's identity for the comparison.
            seen: list[object] = []
            for row in item.rows:
                for cell in row.cells:
                    if not any(cell._tc is element for element in seen):
                        seen.append(cell._tc)
                        yield from cell.paragraphs
        else:
            yield item


def _inline(paragraph: Paragraph) -> str:
    """A paragraph's text as markup: runs of one style emphasized together, links kept."""
    parts: list[str] = []
    styled: list[tuple[str, tuple[bool, bool, bool]]] = []

    def flush() -> None:
        for style, runs in _grouped(styled):
            parts.append(_styled("".join(runs), style))
        styled.clear()

    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            flush()
            label = item.text
            parts.append(link(item.url, label) if item.url else escape(label))
        elif isinstance(item, Run):
            styled.append((item.text, (bool(item.bold), bool(item.italic), bool(item.font.strike))))
    flush()
    return "".join(parts)


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
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    levels = {
        (_value(node, "abstractNumId"), int(_value(level, "ilvl") or 0)): _value(
            level.find("w:numFmt", _NS)
        )
        for node in numbering.findall("w:abstractNum", _NS)
        for level in node.findall("w:lvl", _NS)
    }
    return {
        (_value(num, "numId"), level): number_format
        for num in numbering.findall("w:num", _NS)
        for (owner, level), number_format in levels.items()
        if owner == _value(num.find("w:abstractNumId", _NS))
    }


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _value(element: Any, name: str = "val") -> str:
    """A WordprocessingML attribute (`w:val` unless named), '' when absent."""
    if element is None:
        return ""
    return str(element.get(f"{{{_NS['w']}}}{name}") or "")


def _list_marker(
    paragraph: Paragraph,
    formats: dict[tuple[str, int], str],
    numbers: defaultdict[tuple[str, int], int],
) -> str:
    """'• ' or '3. ' (indented by level) for a list item, '' for any other paragraph."""
    style = paragraph.style.name if paragraph.style is not None else ""
    element = paragraph._element
    list_id = _value(element.find("w:pPr/w:numPr/w:numId", _NS))
    if not list_id and paragraph.style is not None:  # numbered by its style
        list_id = _value(paragraph.style.element.find("w:pPr/w:numPr/w:numId", _NS))
    level_value = _value(element.find("w:pPr/w:numPr/w:ilvl", _NS))
    if list_id == "0":  # Word's way of taking a paragraph out of a list
        return ""
    if not list_id and not style.startswith(("List Bullet", "List Number")):
        return ""
    # A level from the numbering, else from the style's name ("List Bullet 2" is level 1).
    digits = re.search(r"(\d+)$", style)
    level = int(digits.group(1)) - 1 if digits else 0
    if level_value.isdigit():
        level = int(level_value)
    indent = "    " * level
    key = list_id or style
    # An item at one level starts the numbering of the levels under it afresh.
    for deeper in [k for k in numbers if k[0] == key and k[1] > level]:
        del numbers[deeper]
    number_format = formats.get((list_id, level), "")
    if number_format not in ("", "bullet", "none") or (not number_format and "Number" in style):
        numbers[(key, level)] += 1
        return f"{indent}{numbers[(key, level)]}. "
    return f"{indent}{'◦' if level else '•'} "


# PDF

# "7", "- 7 -", "Page 7", "7 of 12", "7/12": a page number alone on its line. A year
# ("2024") alone on a line is a date, and kept.
_PAGE_NUMBER = re.compile(r"(?:page\s*)?-?\s*\d{1,3}\s*-?(?:\s*(?:of|/)\s*\d{1,3})?", re.IGNORECASE)
_LIST_ITEM = re.compile(r"(?:[•◦▪‣*-]|\d{1,3}[.)])\s")
_ENDS_SENTENCE = re.compile('[.!?:;,"\u201d\u2019)]$')


def _pdf_letter(data: bytes) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("it is a password-protected PDF")
        if len(reader.pages) > PDF_PAGES_MAX:
            raise Unreadable(f"it has more than {PDF_PAGES_MAX} pages")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Unreadable:
        raise
    except Exception as problem:
        # A damaged PDF can fail anywhere inside pypdf, with any error.
        logger.info("Could not read a PDF: %s", problem)
        raise Unreadable("it isn't a PDF I can read") from None
    return from_plain(_reflow(pages))


def _reflow(pages: list[str]) -> str:
    """A PDF's lines joined back into paragraphs: a page wraps lines where it runs out of
    width, and a reader wants the sentences whole. Page numbers are left out."""
    lines = [
        line.strip()
        for page in pages
        for line in page.splitlines()
        if not _PAGE_NUMBER.fullmatch(line.strip())
    ]
    widths = sorted(len(line) for line in lines if len(line) >= 20)
    # With no line of any length, nothing was wrapped: every line stays a line.
    full = widths[int(len(widths) * 0.9)] if widths else float("inf")
    paragraphs: list[list[str]] = [[]]
    previous = ""  # the last line as the page had it
    for line in lines:
        current = paragraphs[-1]
        if not line:
            if current:
                paragraphs.append([])
        elif not current:
            current.append(line)
        elif len(previous) >= 0.7 * full and not _LIST_ITEM.match(line):
            # The page ran out of width: the sentence goes on.
            current[-1] += ("" if previous.endswith("-") else " ") + line
        elif _ENDS_SENTENCE.search(previous):
            paragraphs.append([line])
        else:
            current.append(line)
        previous = line
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)
