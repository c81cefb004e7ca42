"""Reading a letter out of an attached file: plain text, Markdown, Word (.docx), PDF.

Pure functions, bytes in, the letter's markup out (see `bot.rules.letter_text`). Word files
(read in `bot.texts.docx_letter`) keep their paragraphs, bold, italics, links and lists;
a PDF gives its text, with the
lines a page wrapped joined back into paragraphs. Anything else, or a file with no text
in it, is refused with a reason a person can act on; so is a file that unpacks to, or
holds, more than any letter (see `bot.rules.limits`), as soon as that shows.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pypdf

from bot.rules.files import Unreadable, too_long
from bot.rules.letter_text import from_plain
from bot.rules.limits import (
    FILE_MAX_BYTES,
    FILE_TEXT_MAX,
    PDF_PAGES_MAX,
)
from bot.texts.docx_letter import docx_letter

logger = logging.getLogger(__name__)


class Kind(StrEnum):
    TEXT = "text"
    DOCX = "docx"
    PDF = "pdf"


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
        markup = docx_letter(data)
    elif kind is Kind.PDF:
        markup = _pdf_letter(data)
    else:
        markup = from_plain(decode_text(data))
    if len(markup) > FILE_TEXT_MAX:
        raise too_long()
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


# PDF

# "7", "- 7 -", "Page 7", "7 of 12", "7/12": a page number alone on its line. A year
# ("2024") alone on a line is a date, and kept. The spaces are taken possessively: a line
# of thousands of spaces would otherwise be tried split every way between them.
_PAGE_NUMBER = re.compile(
    r"(?:page\s*+)?-?\s*+\d{1,3}\s*+-?(?:\s*+(?:of|/)\s*+\d{1,3})?", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"(?:[•◦▪‣*-]|\d{1,3}[.)])\s")
_ENDS_SENTENCE = re.compile('[.!?:;,"\u201d\u2019)]$')


def _pdf_letter(data: bytes) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("it is a password-protected PDF")
        if len(reader.pages) > PDF_PAGES_MAX:
            raise Unreadable(f"it has more than {PDF_PAGES_MAX} pages")
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > FILE_TEXT_MAX:
                raise too_long()
    except Unreadable:
        raise
    except MemoryError:
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
    # Each paragraph as pieces to join, each piece a line with what comes before it: a
    # sentence can go on over thousands of lines, and adding to a string copies it.
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
            current.append(("" if previous.endswith("-") else " ") + line)
        elif _ENDS_SENTENCE.search(previous):
            paragraphs.append([line])
        else:
            current.append("\n" + line)
        previous = line
    return "\n\n".join("".join(paragraph) for paragraph in paragraphs if paragraph)
