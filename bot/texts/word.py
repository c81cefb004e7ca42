"""The letter as a ready-to-send Word document: its title, addressee and text (paragraphs,
line breaks, bold, italics and links kept), the closing word once, and the signer list in
the chosen format, in columns. One font in black throughout, the pages numbered. Built
with python-docx; pure (bytes out).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from bot.rules.letter_text import to_plain
from bot.rules.letters import Letter
from bot.rules.mrkdwn import ANGLE_TOKEN, emphases, unescape
from bot.texts.lists import Section, before_closing

LIST_FONT_SIZE = Pt(10)
FONT = "Calibri"
# The letter's first paragraphs, where its addressee's block is looked for.
ADDRESSEE_PARAGRAPHS = 3
# The longest line three columns hold; the gap between columns, in twentieths of a point.
SHORT_LINE = 32
COLUMN_GAP_TWIPS = 360


def letter_docx(letter: Letter, *, closing: str, listed: Sequence[Section]) -> bytes:
    """The document's bytes: the letter up to its own sign-off, then its signers under
    `closing` (whatever the letter listed under its sign-off, the list replaces)."""
    document = Document()
    _one_font(document)
    document.core_properties.title = letter.title
    document.add_heading(letter.title, level=1)
    body = _paragraphs(before_closing(letter.body))
    if not _names_addressee(body, letter.addressee):
        document.add_paragraph(letter.addressee)
    for paragraph in body:
        _add_markup(document.add_paragraph(), paragraph)
    signed_off = document.add_paragraph(closing)
    _number_pages(document.sections[0])
    lines = [line for section in listed for line in section.lines]
    if lines:
        # The list in a section of its own, in columns: a page holds two or three times
        # the names, as coalition letters print them.
        _set_columns(_section_after(document, signed_off), _columns(lines))
    for section in listed:
        if section.heading:
            heading = document.add_paragraph()
            heading.paragraph_format.keep_with_next = True
            heading.add_run(section.heading).bold = True
        for line in section.lines:
            entry = document.add_paragraph()
            entry.paragraph_format.space_after = Pt(0)
            entry.add_run(line).font.size = LIST_FONT_SIZE
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _names_addressee(body: list[str], addressee: str) -> bool:
    """Whether the letter's opening already names its addressee (as most letters set
    out the addressee's block above "Dear …"): then it isn't repeated above it."""
    opening = _words(" ".join(to_plain(paragraph) for paragraph in body[:ADDRESSEE_PARAGRAPHS]))
    wanted = _words(addressee)
    return bool(wanted) and wanted in opening


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).casefold().split())


def _one_font(document: DocxDocument) -> None:
    """FONT for every style, headings included (the default template gives them a
    second face through the theme), and the heading in black rather than blue."""
    for fonts in document.styles.element.xpath("//w:rFonts"):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), FONT)
    heading = document.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0, 0, 0)
    for color in heading.element.xpath("./w:rPr/w:color"):
        for attribute in ("w:themeColor", "w:themeShade"):
            color.attrib.pop(qn(attribute), None)


def _columns(lines: Sequence[str]) -> int:
    """Three columns for short names, else two."""
    return 3 if max(len(line) for line in lines) <= SHORT_LINE else 2


def _section_after(document: DocxDocument, paragraph: Paragraph) -> DocxSection:
    """A new section, on the same page, after `paragraph`: its break is kept in that
    paragraph rather than in an empty one of its own (python-docx's way), which would
    leave a blank line."""
    section: DocxSection = document.add_section(WD_SECTION.CONTINUOUS)
    empty = document.paragraphs[-1]._p
    (ended,) = empty.xpath("./w:pPr/w:sectPr")
    paragraph._p.get_or_add_pPr().append(ended)
    empty.getparent().remove(empty)
    return section


def _set_columns(section: DocxSection, count: int) -> None:
    # python-docx's template (and so every section it adds) has its <w:cols>.
    (element,) = section._sectPr.xpath("./w:cols")
    element.set(qn("w:num"), str(count))
    element.set(qn("w:space"), str(COLUMN_GAP_TWIPS))


def _number_pages(section: DocxSection) -> None:
    """ "Page 2 of 5", centred at the foot of every page (later sections follow it)."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word fills in as it lays the pages out (PAGE, NUMPAGES)."""
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        run = paragraph.add_run()
        if kind is not None:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {text} "
            run._r.append(code)


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
