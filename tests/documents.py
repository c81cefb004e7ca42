"""Letters as organizers attach them: Word documents and PDFs, made for the tests with
the same kinds of tools that make them in the wild (python-docx, fpdf2)."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from fpdf import FPDF


def docx_letter() -> bytes:
    """A short letter in Word with bold, italics, a link and both kinds of list."""
    document = docx.Document()
    document.add_paragraph("Dear Secretary Mayorkas,")
    paragraph = document.add_paragraph("We ")
    paragraph.add_run("urge").bold = True
    paragraph.add_run(" you to end the ")
    paragraph.add_run("de facto").italic = True
    paragraph.add_run(" partnerships & programs described in ")
    add_link(paragraph, "https://example.org/report?a=1&b=2", "our report")
    paragraph.add_run(".")
    document.add_paragraph("End 287(g) agreements.", style="List Bullet")
    document.add_paragraph("End the Secure Communities program.", style="List Bullet")
    document.add_paragraph("Meet with us within 30 days.", style="List Number")
    document.add_paragraph("Report back publicly.", style="List Number")
    document.add_paragraph("Sincerely,")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_link(paragraph: Paragraph, url: str, text: str) -> None:
    """A hyperlink run, as Word writes one (python-docx reads links but can't add them)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    words = OxmlElement("w:t")
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def pdf_letter(text: str) -> bytes:
    """`text` typeset as a PDF: paragraphs wrapped to the page's width, as any word
    processor's "Save as PDF" does."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # curly quotes and dashes, as letters have
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 5, paragraph.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def pdf_pages(pages: list[str]) -> bytes:
    """Each of `pages` typeset on a page of its own."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 5, text.strip(), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# Hostile files: small to send, costly to read the naive way. Built in memory.

WORD_BODY = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>%s</w:body></w:document>"
)


def docx_with_body(body: bytes) -> bytes:
    """A Word file as python-docx saves a blank one, its body replaced by `body` (the
    raw XML of its paragraphs and tables), every part deflated as hard as zip can."""
    blank = io.BytesIO()
    docx.Document().save(blank)
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = WORD_BODY % body if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def many_paragraphs_docx(count: int = 50_000) -> bytes:
    """`count` one-line paragraphs (about 40 KB for 50,000)."""
    return docx_with_body(b"<w:p><w:r><w:t>We urge you to act.</w:t></w:r></w:p>" * count)


def inflating_docx(megabytes: int) -> bytes:
    """Empty paragraphs whose XML unpacks to `megabytes` MB (about 1 KB zipped per MB);
    parsed, each MB takes about 20 MB of memory."""
    return docx_with_body(b"<w:p/>" * (megabytes * 1_000_000 // 6))


def damaged_docx() -> bytes:
    """A Word file whose document.xml is not well-formed (a paragraph never closed)."""
    return docx_with_body(b"<w:p><w:r><w:t>Dear Governor,</w:t></w:r>")


def xobject_bomb_pdf(*, depth: int = 4, fan: int = 10, pages: int = 200) -> bytes:
    """A few KB of PDF whose text costs exponentially more to extract than its size:
    each page draws form X4, which draws X3 ten times, which draws X2 ten times … down
    to X0, a block of text. Every page is the same page object, listed `pages` times."""
    leaf = b"BT /F1 12 Tf 72 700 Td " + b"(We urge you to act.) Tj 0 -14 Td " * 20 + b"ET"
    forms = [leaf] + [b" ".join([b"/X%d Do" % (k - 1)] * fan) for k in range(1, depth + 1)]
    names = b" ".join(b"/X%d %d 0 R" % (k, 7 + k) for k in range(len(forms)))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join([b"5 0 R"] * pages), pages),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Font << /F1 3 0 R >> /XObject << %s >> >>" % names,
        5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 4 0 R "
        b"/Contents 6 0 R >>",
        6: _pdf_stream(b"", b"/X%d Do" % depth),
    }
    for k, content in enumerate(forms):
        form = b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources 4 0 R "
        objects[7 + k] = _pdf_stream(form, content)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number in sorted(objects):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    table = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % table)
    return out.getvalue()


def _pdf_stream(entries: bytes, content: bytes) -> bytes:
    return b"<< %s/Length %d >>\nstream\n%s\nendstream" % (entries, len(content), content)
