"""The ready-to-send Word document, opened again with python-docx: the letter's text in
its paragraphs, its links and emphasis, its closing word and every listed signer."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
from docx.opc.constants import RELATIONSHIP_TYPE

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
