"""The exported list: alphabetized as people expect, individuals and unlisted handled."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.letters import Letter, LetterStatus, LetterVersion, Post
from bot.rules.signons import Contact, ContactSource, Signer, SignerKind
from bot.texts.exports import (
    Extras,
    as_contacts_csv,
    as_csv,
    as_json,
    as_text,
    headline,
)
from bot.texts.lists import alphabetical

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
LETTER = Letter(
    1,
    "Title",
    "To",
    "Body",
    NOW + timedelta(days=1),
    None,
    LetterStatus.OPEN,
    "U9",
    NOW,
    (Post("C1", "1.0"),),
    (),
)


def entry(signer_id: int, name: str, **changes: object) -> Signer:
    fields: dict[str, Any] = dict(
        id=signer_id,
        letter_id=1,
        kind=SignerKind.ORGANIZATION,
        name=name,
        affiliation=None,
        city=None,
        state=None,
        public=True,
        signed_at=NOW,
        contacts=(Contact("Ana", "Director", "ana@example.org", "U1", name, NOW),),
    )
    fields.update(changes)
    return Signer(**fields)


SIGNERS = [
    entry(1, "Voces de la Frontera"),
    entry(2, "The Advocates for Human Rights"),
    entry(3, "Élan Collective"),
    entry(4, "advocacy Network"),
    entry(
        5,
        "Jane Doe",
        kind=SignerKind.INDIVIDUAL,
        affiliation="State University",
        contacts=(Contact("Jane Doe", "Professor", None, "U2", "State University", NOW),),
    ),
    entry(6, "Quiet Coalition", public=False),
    entry(
        7, "Mijente", submitted_as=("Mijente", "MIJENTE Inc."), possible_duplicate_of=("Mi Gente",)
    ),
]


def test_alphabetical_order_ignores_case_accents_and_a_leading_the() -> None:
    """Advocacy, The Advocates, Élan, …: the order a reader expects."""
    assert [s.name for s in alphabetical(SIGNERS)] == [
        "advocacy Network",
        "The Advocates for Human Rights",
        "Élan Collective",
        "Jane Doe",
        "Mijente",
        "Quiet Coalition",
        "Voces de la Frontera",
    ]


def test_the_text_list_is_ready_to_paste() -> None:
    """Organizations a line each, then individuals with affiliations, unlisted only counted."""
    assert as_text(SIGNERS) == (
        "advocacy Network\nThe Advocates for Human Rights\nÉlan Collective\nMijente\n"
        "Voces de la Frontera\n\n"
        "Individuals (affiliations for identification purposes only)\n"
        "Jane Doe, Professor, State University\n\n"
        "…and 1 signer who asked not to be listed.\n"
    )
    assert headline(SIGNERS) == (
        "Signed by 6 organizations and 1 individual, with 1 possible duplicate still to review."
    )


def test_csv_and_json_carry_every_field_and_every_entry() -> None:
    """Unlisted entries are in the records; JSON follows the contract."""
    letter = LETTER
    rows = list(csv.DictReader(io.StringIO(as_csv(SIGNERS))))
    assert len(rows) == 7 and rows[5]["listed_publicly"] == "no"
    assert rows[4]["submitted_as"] == "Mijente; MIJENTE Inc."
    assert rows[4]["possible_duplicate_of"] == "Mi Gente"
    assert rows[0]["contacts"] == "Ana, Director, ana@example.org"
    versions = [
        LetterVersion(1, "To", "Body", NOW, "U9"),
        LetterVersion(2, "To", "Body, edited", NOW + timedelta(hours=1), "ULEAD"),
    ]
    letter = replace(letter, version=2)
    signed_earlier = replace(SIGNERS[0], signed_version=1, confirmed_version=2)
    document = json.loads(as_json(letter, [signed_earlier, *SIGNERS[1:]], versions))
    assert set(document) == {"letter", "count", "headline", "signers", "not_signed"}
    assert document["headline"] == headline(SIGNERS)
    assert document["count"] == 7 and document["not_signed"] == []
    assert set(document["letter"]) == {
        "id",
        "title",
        "deadline",
        "status",
        "channels",
        "version",
        "versions",
        "public_url",
        "translations",
    }
    assert document["letter"]["translations"] == []
    assert document["letter"]["public_url"] is None  # no public page without one given
    assert document["letter"]["version"] == 2
    assert document["letter"]["versions"] == [
        {"version": 1, "edited_at": NOW.isoformat(), "edited_by": "U9"},
        {
            "version": 2,
            "edited_at": (NOW + timedelta(hours=1)).isoformat(),
            "edited_by": "ULEAD",
        },
    ]
    voces = next(s for s in document["signers"] if s["name"] == "Voces de la Frontera")
    assert (voces["signed_version"], voces["confirmed_version"]) == (1, 2)
    mijente = document["signers"][4]
    assert mijente["submitted_as"] == ["Mijente", "MIJENTE Inc."]
    assert mijente["possible_duplicate_of"] == ["Mi Gente"]
    first = document["signers"][0]
    assert {
        "name",
        "kind",
        "city",
        "state",
        "signed_at",
        "contacts",
        "submitted_as",
        "possible_duplicate_of",
        "signed_version",
        "confirmed_version",
        "read_in",
    } <= set(first)
    assert first["read_in"] == "en" and first["contacts"][0]["read_in"] == "en"
    assert rows[0]["read_in"] == "en"


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv() -> None:
    """A sign-on named "=HYPERLINK(…)" can't run in the organizer's spreadsheet."""
    rows = list(csv.reader(io.StringIO(as_csv([entry(9, '=HYPERLINK("http://x","y")')]))))
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")'


def test_the_headline_counts_each_pair_waiting_for_review_once() -> None:
    """Both entries of a pair name each other: one pair, and none once decided."""
    first = replace(SIGNERS[0], possible_duplicate_of=(SIGNERS[1].name,))
    second = replace(SIGNERS[1], possible_duplicate_of=(SIGNERS[0].name,))
    assert headline([first, second]).endswith(", with 1 possible duplicate still to review.")
    decided = [replace(s, possible_duplicate_of=()) for s in (first, second)]
    assert headline(decided) == "Signed by 2 organizations."


def test_the_contacts_csv_has_a_row_per_contact_for_a_mail_merge() -> None:
    """Every contact of every entry, unlisted ones too, named as Slack names them when
    they gave no name; nothing a spreadsheet would run as a formula."""
    two = entry(
        8,
        '=HYPERLINK("http://x","y")',
        contacts=(
            Contact(None, None, None, "U7", "x", NOW),
            Contact("Bo", "Organizer", "bo@example.org", None, "x", NOW),
        ),
    )
    rows = list(
        csv.DictReader(
            io.StringIO(as_contacts_csv([*SIGNERS, two], extras=Extras(names={"U7": "Sam Signer"})))
        )
    )
    assert len(rows) == len(SIGNERS) + 2
    assert [r["contact_name"] for r in rows if r["signed_for"].startswith("'=")] == [
        "Sam Signer",
        "Bo",
    ]
    quiet = next(r for r in rows if r["signed_for"] == "Quiet Coalition")
    assert quiet["listed_publicly"] == "no" and quiet["email"] == "ana@example.org"


WEB_CONTACT = Contact(
    "Maria Lopez",
    "Director",
    "maria@casa.example",
    "web:3f9a",
    "CASA",
    NOW,
    source=ContactSource.WEB,
    may_contact=True,
)


def test_each_contact_says_where_it_signed_and_a_web_signer_has_no_slack_account() -> None:
    """A contact from Slack, one from the public page and an imported one: each with its
    `source`, the web signer's account no `slack_user`; the letter's public page is
    `public_url`."""
    imported = Contact(
        None, None, "info@voces.example", None, "Voces", NOW, source=ContactSource.IMPORT
    )
    signers = [
        entry(1, "CASA", contacts=(SIGNERS[0].contacts[0], WEB_CONTACT)),
        entry(2, "Voces de la Frontera", contacts=(imported,)),
    ]
    extras = Extras(
        names={"U1": "Ana Slack"},
        public_url="https://sign.example/l/t0k",
    )
    document = json.loads(as_json(LETTER, signers, [], extras=extras))
    assert document["letter"]["public_url"] == "https://sign.example/l/t0k"
    casa = document["signers"][0]["contacts"]
    assert [(c["source"], c["slack_user"]) for c in casa] == [("slack", "U1"), ("web", None)]
    assert (casa[1]["name"], casa[1]["email"]) == ("Maria Lopez", "maria@casa.example")
    voces = document["signers"][1]["contacts"]
    assert [(c["source"], c["slack_user"]) for c in voces] == [("import", None)]
    assert "web:" not in json.dumps(document)
    rows = list(csv.DictReader(io.StringIO(as_contacts_csv(signers, extras=extras))))
    assert [(r["contact_name"], r["email"], r["slack_user"], r["source"]) for r in rows] == [
        ("Ana", "ana@example.org", "U1", "slack"),
        ("Maria Lopez", "maria@casa.example", "", "web"),
        ("", "info@voces.example", "", "import"),
    ]
    (casa_row, _) = csv.DictReader(io.StringIO(as_csv(signers, extras=extras)))
    assert casa_row["contacts"] == (
        "Ana, Director, ana@example.org; Maria Lopez, Director, maria@casa.example"
    )


def test_an_individual_who_signed_on_the_web_is_named_as_they_signed() -> None:
    """Someone signing for themselves gives no separate contact name: the exports name
    them as they signed, never by a Slack name."""
    person = entry(
        3,
        "Jane Roe",
        kind=SignerKind.INDIVIDUAL,
        contacts=(
            Contact(
                None,
                "Professor",
                "jane@uni.example",
                "web:77",
                "Jane Roe",
                NOW,
                source=ContactSource.WEB,
            ),
        ),
    )
    extras = Extras(names={"web:77": "A name that is no one's"})
    document = json.loads(as_json(LETTER, [person], [], extras=extras))
    (contact,) = document["signers"][0]["contacts"]
    assert contact == contact | {"name": "Jane Roe", "slack_user": None, "source": "web"}


def test_the_csvs_give_times_in_the_coalitions_timezone_and_the_json_iso() -> None:
    """A spreadsheet shows '2026-11-22 10:00 EST', as people read it; the JSON keeps
    ISO 8601 in UTC for scripts."""
    eastern = Extras(zone=ZoneInfo("America/New_York"))
    (row, *_) = csv.DictReader(io.StringIO(as_csv(SIGNERS[:1], extras=eastern)))
    assert row["signed_at"] == f"{SIGNERS[0].signed_at.astimezone(eastern.zone):%Y-%m-%d %H:%M} EST"
    (contact, *_) = csv.DictReader(io.StringIO(as_contacts_csv(SIGNERS[:1], extras=eastern)))
    assert contact["signed_at"].endswith(" EST")
    document = json.loads(as_json(LETTER, SIGNERS[:1], (), extras=eastern))
    assert document["signers"][0]["signed_at"] == SIGNERS[0].signed_at.isoformat()
