"""The ready-to-send Word document, opened again with python-docx: the letter's text in
its paragraphs, its links and emphasis, its closing word and every listed signer."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
from docx.enum.section import WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import RGBColor

from bot.rules.letter_text import from_plain, from_slack, to_plain
from bot.rules.letters import ListFormat, ListStyle
from bot.texts.exports import document
from bot.texts.lists import sections
from tests.bot.blocks.test_letter import make_letter
from tests.bot.test_lists import SIGNERS
from tests.conftest import FIXTURES

DHS = (FIXTURES / "letters" / "2022-protecting-communities-from-dhs-collusion.txt").read_text(
    encoding="utf-8"
)


def opened(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_the_document_holds_the_letter_and_every_listed_signer_in_order() -> None:
    letter = make_letter(from_plain(DHS), title="Protecting communities from DHS collusion")
    style = ListStyle(format=ListFormat.CITY_STATE)
    paragraphs = [p.text for p in opened(document(letter, SIGNERS, style=style)).paragraphs]
    assert paragraphs[:2] == [letter.title, letter.addressee]
    body = [p.strip() for p in to_plain(letter.body).split("\n\n") if p.strip()]
    assert body[-1] == "Signed,"  # the letter's own closing: once, over the list
    closing = paragraphs.index("Signed,")
    assert paragraphs[2:closing] == body[:-1]
    assert paragraphs.count("Signed,") == 1
    listed = [line for section in sections(SIGNERS, style) for line in section.lines]
    headings = [s.heading for s in sections(SIGNERS, style) if s.heading]
    after = [p for p in paragraphs[closing + 1 :] if p not in headings]
    assert after == listed and len(listed) == 103


def test_links_and_emphasis_are_kept() -> None:
    markup = from_slack(
        "Dear *Secretary*,\n\nSee <https://example.org/report|our report> and _act_ now."
    )
    data = document(make_letter(markup), SIGNERS[:3])
    opened_doc = opened(data)
    runs = [run for p in opened_doc.paragraphs for run in p.runs]
    assert any(run.text == "Secretary" and run.bold for run in runs)
    assert any(run.text == "act" and run.italic for run in runs)
    links = [
        rel.target_ref
        for rel in opened_doc.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ]
    assert links == ["https://example.org/report"]
    assert "See our report and act now." in [p.text for p in opened_doc.paragraphs]


def test_no_one_listed_yet_still_makes_a_document_of_the_letter() -> None:
    letter = replace(make_letter("Act now.\n\nSincerely,"), title="T")
    paragraphs = [p.text for p in opened(document(letter, [])).paragraphs]
    assert paragraphs == ["T", letter.addressee, "Act now.", "Sincerely,"]


ENFORCEMENT = (FIXTURES / "letters" / "2021-enforcement-reform-100-days.txt").read_text(
    encoding="utf-8"
)


def test_a_letter_that_lists_its_signers_has_its_closing_once_over_our_list() -> None:
    """The letter's own sign-off and the names typed under it give way to the closing
    word once, over the list as it stands."""
    letter = make_letter(from_plain(ENFORCEMENT), title="Enforcement reform")
    opened_doc = opened(document(letter, SIGNERS[:5]))
    paragraphs = [p.text for p in opened_doc.paragraphs]
    assert paragraphs.count("Sincerely,") == 1
    after = paragraphs[paragraphs.index("Sincerely,") + 1 :]
    listed = [line for section in sections(SIGNERS[:5]) for line in section.lines]
    assert after == listed
    assert "Adelante Alabama Worker Center" not in paragraphs[: paragraphs.index("Sincerely,")]


def test_the_addressee_is_named_once() -> None:
    """A letter whose opening sets out its addressee doesn't get it twice."""
    body = "The Honorable Jane Doe\nSecretary of Homeland Security\n\nDear Secretary Doe,\n\nAct."
    letter = replace(
        make_letter(from_plain(body)), addressee="The Honorable Jane Doe, Secretary of Homeland"
    )
    named = [p.text for p in opened(document(letter, SIGNERS[:3])).paragraphs]
    assert sum("Jane Doe" in p for p in named[:3]) == 1
    plain = replace(make_letter("Dear Secretary,\n\nAct."), addressee="Secretary Doe")
    shown = [p.text for p in opened(document(plain, SIGNERS[:3])).paragraphs]
    assert shown[1] == "Secretary Doe"


def test_one_black_font_columns_for_the_list_and_numbered_pages() -> None:
    letter = make_letter(from_plain(DHS), title="Protecting communities from DHS collusion")
    opened_doc = opened(document(letter, SIGNERS))
    styles = opened_doc.styles.element
    fonts = styles.xpath("//w:rFonts")
    assert fonts and {f.get(qn("w:ascii")) for f in fonts} == {"Calibri"}
    assert not any(f.get(qn("w:asciiTheme")) for f in fonts)
    assert opened_doc.styles["Heading 1"].font.color.rgb == RGBColor(0, 0, 0)
    runs = [run for p in opened_doc.paragraphs for run in p.runs]
    assert {run.font.name for run in runs} <= {None}  # every run in the styles' font
    # The letter in one column, the list in two or three, on the same page.
    letter_part, list_part = opened_doc.sections
    assert letter_part._sectPr.xpath("./w:cols")[0].get(qn("w:num")) in (None, "1")
    assert list_part._sectPr.xpath("./w:cols")[0].get(qn("w:num")) in ("2", "3")
    assert list_part.start_type == WD_SECTION.CONTINUOUS
    footer = letter_part.footer.paragraphs[0]
    fields = [code.text.strip() for code in footer._p.xpath(".//w:instrText")]
    assert fields == ["PAGE", "NUMPAGES"] and footer.text == "Page  of "
    assert list_part.footer.is_linked_to_previous
