"""Reading a Google Forms export by its header names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.rules.signons import SignerKind
from bot.texts.imports import ImportProblem, read_signons
from tests.conftest import FIXTURES, ZONE


def test_the_fixture_export_reads_as_102_organizations_with_their_times() -> None:
    """Every row becomes a submission; the Timestamp is read in the coalition's zone."""
    found = read_signons(
        (FIXTURES / "google-forms-signons-2021-enforcement-reform.csv").read_bytes(), zone=ZONE
    )
    rows = found.rows
    assert len(rows) == 102 and found.skipped == []
    first = rows[0].submission
    assert (first.kind, first.name, first.person_name, first.title, first.email) == (
        SignerKind.ORGANIZATION,
        "Adelante Alabama Worker Center",
        "Signer 001",
        "Staff",
        "signer001@example.org",
    )
    assert first.signed_at == datetime(2021, 2, 8, 14, 0, tzinfo=UTC)
    assert len({row.submission.import_ref for row in rows}) == 102


def test_columns_are_found_by_name_in_any_order_and_extra_ones_ignored() -> None:
    """Reordered, renamed-case and extra columns; an individual keeps the affiliation."""
    data = (
        b"Notes,EMAIL,signing as,Your Name,Organization Name,List publicly\n"
        b"x,a@b.org,Individual,Jane Doe,State University,No\n"
    )
    (row,) = read_signons(data, zone=ZONE).rows
    submission = row.submission
    assert submission.kind is SignerKind.INDIVIDUAL
    assert (submission.name, submission.affiliation, submission.public) == (
        "Jane Doe",
        "State University",
        False,
    )


def test_latin_1_and_a_byte_order_mark_are_read() -> None:
    """Exports saved by spreadsheet programs in other encodings still import."""
    assert read_signons("Organization Name\nVoces de la Frontera\n".encode("utf-8-sig"), zone=ZONE)
    (row,) = read_signons(
        "Organization Name\nCasa de Esperanza Ñ\n".encode("latin-1"), zone=ZONE
    ).rows
    assert row.submission.name == "Casa de Esperanza Ñ"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"Timestamp,Email\n1,2\n", "couldn't find")],
)
def test_a_file_without_names_is_refused_with_the_reason(data: bytes, message: str) -> None:
    """No usable column: a clear message naming the columns that are there."""
    with pytest.raises(ImportProblem, match=message):
        read_signons(data, zone=ZONE)


def test_rows_without_a_name_are_reported_and_empty_lines_ignored() -> None:
    """An empty line adds nothing; a row with no organization is named, not dropped silently."""
    found = read_signons(b"Organization Name,City\n,,\n\nMijente,Phoenix\n,Tucson\n", zone=ZONE)
    assert [row.submission.name for row in found.rows] == ["Mijente"]
    assert [(row.line, row.reason) for row in found.skipped] == [(5, "it has no organization name")]


def test_a_file_with_only_names_imports_individuals() -> None:
    """No organization column: each row is a person signing for themselves."""
    (row,) = read_signons(b"Your Name,City\nJane Doe,Reno\n", zone=ZONE).rows
    assert row.submission.kind is SignerKind.INDIVIDUAL and row.submission.name == "Jane Doe"
