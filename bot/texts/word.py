"""The letter as a ready-to-send Word document: its title, addressee and text (paragraphs,
line breaks, bold, italics and links kept), the closing word and the signer list in the
chosen format. Built with python-docx; pure (bytes out).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from bot.rules.letter_text import to_plain
from bot.rules.letters import Letter
from bot.rules.mrkdwn import ANGLE_TOKEN, emphases, unescape
from bot.texts.lists import Section

LIST_FONT_SIZE = Pt(10)


def letter_docx(letter: Letter, *, closing: str, listed: Sequence[Section]) -> bytes:
    """The document's bytes: the letter, then its signers under `closing`."""
    document = Document()
    document.core_properties.title = letter.title
    document.add_heading(letter.title, level=1)
    document.add_paragraph(letter.addressee)
    body = _paragraphs(letter.body)
    if body and _same_words(to_plain(body[-1]), closing):
        body = body[:-1]  # the letter ends with its closing: it goes once, over the list
    for paragraph in body:
        _add_markup(document.add_paragraph(), paragraph)
    document.add_paragraph(closing)
    for section in listed:
        if section.heading:
            heading = document.add_paragraph()
            heading.add_run(section.heading).bold = True
        for line in section.lines:
            entry = document.add_paragraph()
            entry.paragraph_format.space_after = Pt(0)
            entry.add_run(line).font.size = LIST_FONT_SIZE
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text).casefold().split())

    return words(a) == words(b)


def _paragraphs(body: str) -> list[str]:
    return [part.strip("\n") for part in re.split(r"\n\s*\n", body) if part.strip()]


def _add_markup(paragraph: Paragraph, text: str) -> None:
    """One paragraph of the letter's markup (bot.rules.letter_text: links as <url|label>,
    mrkdwn emphasis, entities) as runs: its lines broken, emphasis and links kept."""
    for number, line in enumerate(text.split("\n")):
        if number:
            paragraph.add_run().add_break()
        at = 0
        for found in ANGLE_TOKEN.finditer(line):
            _add_emphasized(paragraph, line[at : found.start()])
            url = unescape(found.group(1))
            _add_link(paragraph, url, unescape(found.group(2) or url))
            at = found.end()
        _add_emphasized(paragraph, line[at:])


def _add_emphasized(paragraph: Paragraph, text: str) -> None:
    at = 0
    for start, end, marker in emphases(text):
        if start > at:
            paragraph.add_run(unescape(text[at:start]))
        run = paragraph.add_run(unescape(text[start + 1 : end - 1]))
        run.bold = marker == "*"
        run.italic = marker == "_"
        run.font.strike = marker == "~"
        if marker == "`":
            run.font.name = "Courier New"
        at = end
    if at < len(text):
        paragraph.add_run(unescape(text[at:]))


def _add_link(paragraph: Paragraph, url: str, label: str) -> None:
    """A hyperlink run (python-docx has no call for one: this is the WordprocessingML)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(style)
    properties.append(underline)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = label
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
