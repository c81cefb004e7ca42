"""Reading letters out of attached files, and telling a file from Slack's sign-in page."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import docx
import pypdf
import pytest

import bot.texts.documents
import bot.texts.docx_letter
from bot.rules.files import Unreadable
from bot.rules.limits import DOCX_PARAGRAPHS_MAX, DOCX_PARTS_MAX, FILE_TEXT_MAX
from bot.slack.files import is_sign_in_page
from bot.texts.documents import (
    Kind,
    _reflow,
    decode_text,
    kind_of,
    read_letter,
)
from tests.documents import (
    damaged_docx,
    docx_letter,
    docx_with_body,
    inflating_docx,
    pdf_letter,
    pdf_pages,
)
from tests.fake_slack import SIGN_IN_PAGE


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ({"filetype": "docx", "name": "Letter.docx"}, Kind.DOCX),
        ({"filetype": "pdf"}, Kind.PDF),
        ({"filetype": "text", "mimetype": "text/plain"}, Kind.TEXT),
        ({"filetype": "markdown", "name": "letter.md"}, Kind.TEXT),
        ({"name": "LETTER.DOCX"}, Kind.DOCX),
        ({"mimetype": "application/pdf", "name": "scan"}, Kind.PDF),
        ({"mimetype": "text/csv"}, Kind.TEXT),
        ({"filetype": "pages", "name": "Letter.pages"}, None),
        ({"filetype": "html", "mimetype": "text/html", "name": "page.html"}, None),
        ({"filetype": "png", "mimetype": "image/png"}, None),
    ],
)
def test_letter_files_are_known_by_slacks_filetype_mimetype_or_name(
    file: dict[str, Any], kind: Kind | None
) -> None:
    """Word, PDF and text files are read; pictures, web pages and Pages files aren't."""
    assert kind_of(file) == kind


def test_slacks_sign_in_page_is_not_a_file() -> None:
    """The page is told apart by its type, or by its first bytes when labelled binary."""
    page = SIGN_IN_PAGE.encode()
    assert is_sign_in_page(page, "text/html; charset=utf-8")
    assert is_sign_in_page(b"\n  " + page, "application/octet-stream")
    assert not is_sign_in_page(b"Dear Secretary,", "text/plain")
    assert not is_sign_in_page(docx_letter(), "application/octet-stream")


def test_a_word_letter_keeps_its_shape() -> None:
    """Paragraphs, bold, italics, a link and both kinds of list."""
    markup = read_letter(Kind.DOCX, docx_letter())
    assert markup.startswith("Dear Secretary Mayorkas,\n\nWe *urge* you to end the _de facto_")
    assert "<https://example.org/report?a=1&amp;b=2|our report>" in markup
    assert "• End 287(g) agreements.\n• End the Secure Communities program.\n1. Meet" in markup


def test_a_word_table_is_read_cell_by_cell() -> None:
    """A signer list kept in a table keeps its names, in reading order."""
    document = docx.Document()
    document.add_paragraph("Signed,")
    table = document.add_table(rows=2, cols=2)
    for cell, name in zip(
        (c for row in table.rows for c in row.cells), ("Mijente", "CASA", "UWD", "IDP"), strict=True
    ):
        cell.text = name
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_letter(Kind.DOCX, buffer.getvalue()) == "Signed,\n\nMijente\n\nCASA\n\nUWD\n\nIDP"


def test_lines_a_pdf_wrapped_are_joined_back_into_paragraphs() -> None:
    """Full-width lines continue the sentence; a short line ending a sentence ends the
    paragraph; list items and short address lines keep their own lines; page numbers go."""
    page = (
        "Alejandro Mayorkas\n"
        "Washington, DC 20528\n"
        "As organizations working to protect immigrant communities, we know that ending\n"
        "collusion between localities and federal immigration enforcement is paramount to\n"
        "protecting our towns.\n"
        "We urge you to:\n"
        "• end 287(g) agreements across the country and in every state and territory now\n"
        "• end Secure Communities.\n"
        "2\n"
    )
    assert _reflow([page, "Sincerely,\nMijente"]) == (
        "Alejandro Mayorkas\nWashington, DC 20528\n"
        "As organizations working to protect immigrant communities, we know that ending "
        "collusion between localities and federal immigration enforcement is paramount to "
        "protecting our towns.\n\n"
        "We urge you to:\n\n"
        "• end 287(g) agreements across the country and in every state and territory now\n"
        "• end Secure Communities.\n\n"
        "Sincerely,\n\nMijente"
    )


def test_a_pdf_letter_reads_back_its_words() -> None:
    """Every word, in order, escaped for mrkdwn."""
    text = "Dear Secretary,\n\nWe, the undersigned (“we”) & our allies — urge you to act."
    assert read_letter(Kind.PDF, pdf_letter(text)).split() == (
        "Dear Secretary, We, the undersigned (“we”) &amp; our allies — urge you to act.".split()
    )


def _zip_named(name: bytes) -> bytes:
    """A zip of one part whose name, flagged as UTF-8, is the bytes `name`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("é.xml", b"")  # a name beyond ASCII sets the UTF-8 flag
    return buffer.getvalue().replace("é".encode(), name)


@pytest.mark.parametrize(
    ("kind", "data", "why"),
    [
        (Kind.DOCX, b"not a zip", "isn't a Word document"),
        (Kind.DOCX, _zip_named(b"\xff\xfe.xml"), "isn't a Word document"),
        (Kind.PDF, b"%PDF-1.4 broken", "isn't a PDF"),
        (Kind.TEXT, b"  \n\t ", "has no text"),
        (Kind.PDF, pdf_letter(" "), "has no text"),
        (Kind.TEXT, b"x" * 10_000_001, "larger than 10 MB"),
    ],
)
def test_a_file_with_no_letter_in_it_says_why(kind: Kind, data: bytes, why: str) -> None:
    """Broken, empty (a scan is a picture) or oversized files are refused in plain words."""
    with pytest.raises(Unreadable) as raised:
        read_letter(kind, data)
    assert why in str(raised.value)


def test_text_files_are_read_in_the_encodings_people_save_them_in() -> None:
    """UTF-8 with or without a BOM, UTF-16 from Excel, and Latin-1."""
    assert decode_text("Dear José".encode()) == "Dear José"
    assert decode_text(b"\xef\xbb\xbfDear") == "Dear"
    assert decode_text("Dear José".encode("utf-16")) == "Dear José"
    assert decode_text("Dear José".encode("latin-1")) == "Dear José"


def test_a_merged_word_cell_is_read_once_and_nested_numbers_restart() -> None:
    """A letterhead merged across three columns appears once; a sub-list numbers from
    1 under each item; a paragraph taken out of a list (numId 0) is no item."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Coalition letterhead"
    for text, level in (("First", 0), ("a", 1), ("b", 1), ("Second", 0), ("c", 1)):
        paragraph = document.add_paragraph(text, style="List Number")
        paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_ilvl().val = level
    plain = document.add_paragraph("Not an item", style="List Number")
    plain._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_letter(Kind.DOCX, buffer.getvalue()) == (
        "Coalition letterhead\n\n1. First\n    1. a\n    2. b\n2. Second\n    1. c\n\nNot an item"
    )


def test_a_year_alone_on_a_line_is_kept_and_short_lines_stay_lines() -> None:
    """Only page numbers are dropped; with no line long enough to have wrapped, every
    line keeps its own."""
    assert _reflow(["Signed\nMijente\nCASA\n2024\n- 3 -\n"]) == "Signed\nMijente\nCASA\n2024"


def test_a_word_zip_bomb_is_refused_before_anything_is_unpacked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 40 KB Word file whose XML unpacks to 25 MB (half a GB once parsed) is refused
    from the sizes its zip directory states: nothing is inflated or parsed."""
    bomb = inflating_docx(25)
    assert len(bomb) < 100_000

    def must_not_open(*args: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(docx, "Document", must_not_open)
    with pytest.raises(Unreadable, match="it unpacks to more than 20 MB"):
        read_letter(Kind.DOCX, bomb)


def test_a_word_file_of_too_many_parts_is_refused() -> None:
    """A zip of thousands of empty parts is no letter, whatever else it holds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for n in range(DOCX_PARTS_MAX + 1):
            package.writestr(f"word/media/image{n}.png", b"")
    with pytest.raises(Unreadable, match="made of more than 1,000 parts"):
        read_letter(Kind.DOCX, buffer.getvalue())


def test_a_word_file_with_damaged_xml_says_so() -> None:
    """XML that isn't well-formed inside the file is named as damage, in plain words."""
    with pytest.raises(Unreadable, match="it is damaged inside"):
        read_letter(Kind.DOCX, damaged_docx())


def test_a_cell_merged_down_rows_is_read_once_where_it_starts() -> None:
    """A name cell spanning two rows is read in its first row; a cell that says it
    continues one above where there is none is read as nothing, not a failure."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Mijente"
    table.cell(0, 1).text = "Phoenix, AZ"
    table.cell(1, 1).text = "Tucson, AZ"
    table.cell(2, 0).text = "CASA"
    table.cell(2, 1).text = "Baltimore, MD"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_letter(Kind.DOCX, buffer.getvalue()) == (
        "Mijente\n\nPhoenix, AZ\n\nTucson, AZ\n\nCASA\n\nBaltimore, MD"
    )
    orphan = (
        b"<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        b"<w:tc><w:p><w:r><w:t>UWD</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    assert read_letter(Kind.DOCX, docx_with_body(orphan)) == "UWD"


def test_list_levels_stay_within_words_nine() -> None:
    """A level of 9,999,999 (Word has levels 0 to 8) indents as the deepest, instead of
    by forty million spaces; a style with no name is a paragraph like any other."""
    body = (
        b'<w:p><w:pPr><w:pStyle w:val="ListBullet"/><w:numPr><w:ilvl w:val="9999999"/>'
        b'<w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Deep</w:t></w:r></w:p>'
        b'<w:p><w:pPr><w:pStyle w:val="Nameless"/></w:pPr><w:r><w:t>Plain</w:t></w:r></w:p>'
    )
    data = docx_with_body(body)
    nameless = b'<w:style w:type="paragraph" w:styleId="Nameless"/></w:styles>'
    data = _with_part(data, "word/styles.xml", lambda xml: xml.replace(b"</w:styles>", nameless))
    assert read_letter(Kind.DOCX, data) == " " * 32 + "◦ Deep\n\nPlain"


def _with_part(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of the zip `data` with its part `name` changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, change(part) if info.filename == name else part)
    return out.getvalue()


def test_a_word_file_of_more_paragraphs_than_a_letter_has_is_refused() -> None:
    """75,001 paragraphs, even empty ones, are more than a letter of 150,000 characters
    can have."""
    data = docx_with_body(b"<w:p/>" * (DOCX_PARAGRAPHS_MAX + 1))
    with pytest.raises(Unreadable, match="it has more than 75,000 paragraphs"):
        read_letter(Kind.DOCX, data)


def test_reading_a_word_file_stops_once_it_holds_more_than_a_letter_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past 300,000 characters of markup the rest of the file is left unread."""
    read: list[object] = []
    inline = bot.texts.docx_letter._inline

    def counted(paragraph: object) -> str:
        read.append(paragraph)
        return inline(paragraph)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.texts.docx_letter, "_inline", counted)
    # 999 characters and a paragraph break: the 300th paragraph goes past 300,000.
    paragraph = b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % (b"We urge you to act. " * 50)
    with pytest.raises(Unreadable, match=r"more text than a letter can \(150,000 characters"):
        read_letter(Kind.DOCX, docx_with_body(paragraph * 1_000))
    assert len(read) == FILE_TEXT_MAX // 1_001 + 1


def test_reading_a_pdf_stops_at_the_page_past_the_most_text_a_letter_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pages after the one that took the text past the limit are never read."""
    monkeypatch.setattr(bot.texts.documents, "FILE_TEXT_MAX", 1_500)
    extracted: list[object] = []
    extract = pypdf.PageObject.extract_text

    def counted(page: pypdf.PageObject, *args: object, **kwargs: object) -> str:
        extracted.append(page)
        return extract(page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counted)
    page = "We urge you to act on the partnerships described in our report. " * 16
    with pytest.raises(Unreadable, match="more text than a letter can"):
        read_letter(Kind.PDF, pdf_pages([page] * 4))
    assert len(extracted) == 2


def test_a_text_file_longer_than_any_letter_is_refused() -> None:
    """Beyond 300,000 characters a text file is no letter (a shorter one that is still
    too long is measured and told its length when the form opens)."""
    with pytest.raises(Unreadable, match="more text than a letter can"):
        read_letter(Kind.TEXT, b"a" * (FILE_TEXT_MAX + 1))
