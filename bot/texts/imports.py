"""Reading sign-ons collected elsewhere: a Google Forms CSV export, by its header names.

Columns are found by what their header says, in any order and any case ("Organization
Name", "Your Name", "Email Address", "Signing as" …); extra columns are ignored. Each
row gets a reference made from its content, so importing a file twice adds nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.language import gettext as _
from bot.rules.problems import FormErrors
from bot.rules.signons import SignerKind, Submission

# Header → field, for the headers Google Forms and people commonly use.
HEADERS = {
    "organization": ("organization name", "organization", "organisation", "group", "org"),
    "person": ("your name", "name", "full name", "signer name", "contact name"),
    "title": ("your title", "title", "position", "role"),
    "email": ("email address", "email", "e-mail", "your email"),
    "city": ("city", "town"),
    "state": ("state", "state/province"),
    "kind": ("signing as", "sign as", "type"),
    "public": ("list publicly", "list publicly?", "public", "list my name"),
    "timestamp": ("timestamp", "submitted at", "date"),
}
# Google Forms in the US writes 02/08/2021 09:00:00; other exports use ISO 8601.
TIMESTAMP_LAYOUTS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
)
NO_WORDS = {"no", "n", "false", "0", "don't list", "do not list"}


class ImportProblem(Exception):
    """The file can't be imported as it is; the message says why and what to change."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    submission: Submission


@dataclass(frozen=True, slots=True)
class SkippedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportFile:
    rows: list[ImportRow]
    skipped: list[SkippedRow]


@dataclass
class ImportReport:
    """What became of each row of an imported file."""

    new: int = 0
    same: int = 0
    before: int = 0
    possible: int = 0
    problems: list[tuple[int, FormErrors]] = field(default_factory=list)


def read_signons(data: bytes, *, zone: ZoneInfo) -> ImportFile:
    """Submissions from a CSV export's bytes (UTF-8, with or without BOM, or Latin-1).

    Timestamps without a timezone, as Google Forms writes them, are read in `zone`.
    """
    try:
        return _read(decode(data), zone)
    except csv.Error as problem:
        raise ImportProblem(not_csv(problem)) from None


def _read(text: str, zone: ZoneInfo) -> ImportFile:
    header, reader = read_header(text)
    columns = find_columns(header, HEADERS)
    if "organization" not in columns and "person" not in columns:
        raise ImportProblem(
            _(
                "I couldn't find an “Organization Name” (or “Your Name”) column. The columns "
                "are: {columns}."
            ).format(columns=", ".join(repr(h) for h in header))
        )
    rows: list[ImportRow] = []
    skipped: list[SkippedRow] = []
    # Without an organization column, every row is a person signing for themselves.
    everyone_individual = "organization" not in columns
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(field: str, cells: list[str] = cells) -> str | None:
            index = columns.get(field)
            value = cells[index].strip() if index is not None and index < len(cells) else ""
            return value or None

        individual = everyone_individual or (cell("kind") or "").casefold().startswith("individ")
        organization, person = cell("organization"), cell("person")
        name = person if individual else organization
        if not name:
            reason = _("it has no name") if individual else _("it has no organization name")
            skipped.append(SkippedRow(number, reason))
            continue
        submission = Submission(
            kind=SignerKind.INDIVIDUAL if individual else SignerKind.ORGANIZATION,
            name=name,
            person_name=person,
            title=cell("title"),
            affiliation=organization if individual else None,
            city=cell("city"),
            state=cell("state"),
            email=cell("email"),
            public=(cell("public") or "yes").casefold() not in NO_WORDS,
            import_ref=_reference(cells),
            signed_at=_timestamp(cell("timestamp"), zone),
        )
        rows.append(ImportRow(number, submission))
    return ImportFile(rows, skipped)


def read_header(text: str) -> tuple[list[str], Iterator[list[str]]]:
    """A CSV's header row, and a reader of the rows after it."""
    reader = csv.reader(io.StringIO(text))
    try:
        return next(reader), reader
    except StopIteration:
        raise ImportProblem(_("The file is empty.")) from None


def not_csv(problem: csv.Error) -> str:
    """Why a file isn't read: the CSV reader's own words for what is wrong."""
    return _("This isn't a CSV file I can read ({problem}).").format(problem=problem)


def find_columns(header: list[str], headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each field's column, by the first header that names it (any case or spacing)."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        wanted = " ".join(title.strip().casefold().split())
        for name, titles in headers.items():
            if wanted in titles and name not in found:
                found[name] = index
    return found


def _timestamp(value: str | None, zone: ZoneInfo) -> datetime | None:
    if not value:
        return None
    for layout in TIMESTAMP_LAYOUTS:
        try:
            moment = datetime.strptime(value, layout)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return None


def decode(data: bytes) -> str:
    """A CSV's text, in whichever encoding a spreadsheet saved it."""
    # Excel's "Unicode text" is UTF-16 with a byte-order mark; Google Forms writes UTF-8.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportProblem(
                _("The file says it is UTF-16 but isn't readable as such.")
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _reference(cells: list[str]) -> str:
    """The same row always gets the same reference, whatever else is in the file."""
    canonical = "\x1f".join(" ".join(cell.split()) for cell in cells)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
