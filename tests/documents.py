"""Letters as organizers attach them: Word documents and PDFs, made for the tests with
the same kinds of tools that make them in the wild (python-docx, fpdf2)."""

from __future__ import annotations

import io

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
