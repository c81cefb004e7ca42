"""The final list, in the forms people need: text to paste, CSV, and the contract's JSON.

Pure functions: a letter and its active signers in, text out. Entries are sorted the way
a reader expects an alphabetized list: ignoring case, accents and a leading "The".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.files import Attachment, Chart
from bot.rules.language import Language, ngettext, number, speaking
from bot.rules.language import gettext as _
from bot.rules.letters import DEFAULT_STYLE, Letter, LetterVersion, ListStyle
from bot.rules.roster import MemberStanding, Standing
from bot.rules.signons import Contact, Signer, SignerChange, SignerKind
from bot.rules.verification import UNVERIFIED, Verified, verified_organizations
from bot.texts.lists import alphabetical, closing_word, sections, states_of
from bot.texts.lists import as_text as sections_text
from bot.texts.word import letter_docx


class ExportFormat(StrEnum):
    TEXT = "text"
    CSV = "csv"
    CONTACTS_CSV = "contacts-csv"  # one row per contact, for mail merges
    JSON = "json"
    DOCX = "docx"  # the letter with its signers, ready to send
    HEADLINE = "headline"  # the sentence for the press release


CSV_COLUMNS = (
    "name",
    "kind",
    "affiliation",
    "city",
    "state",
    "listed_publicly",
    "signed_at",
    "contacts",
    "submitted_as",
    "possible_duplicate_of",
    "verification",  # contact, domain, confirmed or unverified (bot.rules.verification)
    "verified_by",  # the contact (Slack ID or email) or the domain that verified it
    "read_in",  # the language of the letter's text the entry was signed in: en or es
)


UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Extras:
    """What an export shows beside the signers: where the roster's members stand (those
    that haven't signed are listed; those that have give their entry a type), people's
    names as Slack has them (by Slack ID), and the letter's public page."""

    standings: Sequence[MemberStanding] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    # Whether the roster's contacts are shown (to organizers) or only whether a member
    # has any (to a letter's leads).
    roster_contacts: bool = True
    # The letter's public sign-on page; None when it has none.
    public_url: str | None = None
    # Each entry's verification, by id: none without a roster (nothing to verify by).
    verification: Mapping[int, Verified] = field(default_factory=dict)
    # Organizations waiting to be verified, and so not in the list.
    waiting: int = 0
    # The coalition's timezone: the CSVs' times are written in it, for people to read.
    zone: ZoneInfo = UTC_ZONE

    def verified(self, signer: Signer) -> Verified:
        return self.verification.get(signer.id, UNVERIFIED)

    def unverified(self, signers: Sequence[Signer]) -> int | None:
        """How many of these organizations are not yet verified; None without a roster."""
        if not self.verification:
            return None
        organizations, verified = verified_organizations(signers, self.verification)
        return organizations - verified

    @property
    def types(self) -> dict[int, str]:
        """Each entry's type (national, state, local …), from its roster member."""
        return {
            entry_id: standing.member.kind
            for standing in self.standings
            if standing.standing is Standing.SIGNED and standing.member.kind
            for entry_id in standing.entry_ids
        }


@dataclass(frozen=True, slots=True)
class Export:
    """A letter's list as an organizer asks for it, with what its files are made of."""

    letter: Letter
    signers: list[Signer]
    versions: list[LetterVersion]
    extras: Extras
    chart: Chart
    style: ListStyle = DEFAULT_STYLE


NO_EXTRAS = Extras()

# The files are the coalition's publication, in its letter's own language whoever asks
# for them (the JSON's headline is read by scripts).
PUBLISHED_IN = Language.ENGLISH

# The per-contact CSV's columns: one row per person who signed.
CONTACT_COLUMNS = (
    "contact_name",
    "contact_title",
    "email",
    "slack_user",
    "signed_for",
    "kind",
    "city",
    "state",
    "listed_publicly",
    "signed_at",
    "source",  # where they signed: slack, web (the public page) or import
    "may_contact",  # yes or no when asked (on the public page); empty when never asked
    "read_in",  # the language of the letter's text they signed: en or es
)

# The audit trail's columns, as `undersigned audit LETTER` prints them.
AUDIT_COLUMNS = (
    "changed_at",
    "entry_id",
    "entry",
    "action",
    "field",
    "before",
    "after",
    "changed_by",
    "reason",
)


def headline(signers: Sequence[Signer], *, unverified: int | None = None) -> str:
    """The sentence for the press release, with what may still make it smaller: the
    organizations not yet verified (with a roster to verify them by), and the possible
    duplicates."""
    flag = ""
    if unverified:
        flag = ngettext(
            ", {count} not yet verified", ", {count} not yet verified", unverified
        ).format(count=number(unverified))
    return f"{makeup(signers)}{flag}{caveat(signers)}."


def makeup(signers: Sequence[Signer]) -> str:
    """ "Signed by 148 organizations from 31 states and 2 individuals"."""
    organizations = sum(1 for signer in signers if signer.kind is SignerKind.ORGANIZATION)
    individuals = len(signers) - organizations
    states = states_of(signers)
    said = ngettext("{count} organization", "{count} organizations", organizations).format(
        count=number(organizations)
    )
    if states:
        said += ngettext(" from {count} state", " from {count} states", states).format(
            count=number(states)
        )
    parts = [said]
    if individuals:
        parts.append(
            ngettext("{count} individual", "{count} individuals", individuals).format(
                count=number(individuals)
            )
        )
    return _("Signed by {signers}").format(signers=_(" and ").join(parts))


def caveat(signers: Sequence[Signer]) -> str:
    """ ", with 2 possible duplicates still to review" while pairs wait: a count quoted
    before they are decided may be too high, and nothing merges them on its own."""
    waiting = len(pending_pairs(signers))
    if not waiting:
        return ""
    return ngettext(
        ", with {count} possible duplicate still to review",
        ", with {count} possible duplicates still to review",
        waiting,
    ).format(count=number(waiting))


def pending_pairs(signers: Sequence[Signer]) -> list[tuple[str, str]]:
    """The pairs of these entries waiting for review, by name (each pair once: both of
    its entries are active, so each lists the other)."""
    pairs = []
    seen: set[tuple[str, str]] = set()
    for signer in signers:
        for other in signer.possible_duplicate_of:
            if (other, signer.name) in seen:
                seen.remove((other, signer.name))
            else:
                seen.add((signer.name, other))
                pairs.append((signer.name, other))
    return pairs


def as_text(
    signers: Sequence[Signer],
    style: ListStyle = DEFAULT_STYLE,
    *,
    types: Mapping[int, str] | None = None,
) -> str:
    """The public list, ready to paste under the letter's closing word."""
    return sections_text(sections(signers, style, types=types))


def as_csv(signers: Sequence[Signer], *, extras: Extras = NO_EXTRAS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for signer in alphabetical(signers):
        writer.writerow(
            _inert(cell)
            for cell in [
                signer.name,
                signer.kind.value,
                signer.affiliation or "",
                signer.city or "",
                signer.state or "",
                "yes" if signer.public else "no",
                csv_time(signer.signed_at, extras.zone),
                "; ".join(
                    _contact_line(contact) for contact in _contact_dicts(signer, extras.names)
                ),
                "; ".join(signer.submitted_as),
                "; ".join(signer.possible_duplicate_of),
                extras.verified(signer).level.value,
                extras.verified(signer).by or "",
                signer.read_in.value,
            ]
        )
    return buffer.getvalue()


def csv_time(moment: datetime, zone: ZoneInfo) -> str:
    """'2026-11-03 09:05 EST': a time as a spreadsheet shows it and a person reads it,
    in the coalition's timezone, named (the JSON keeps ISO 8601)."""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone.key}"


def as_contacts_csv(signers: Sequence[Signer], *, extras: Extras = NO_EXTRAS) -> str:
    """One row per contact of each entry, for a mail merge: who, how to reach them, and
    the entry they signed for."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CONTACT_COLUMNS)
    for signer in alphabetical(signers):
        for contact in _contact_dicts(signer, extras.names):
            writer.writerow(
                _inert(str(cell or ""))
                for cell in [
                    contact["name"],
                    contact["title"],
                    contact["email"],
                    contact["slack_user"],
                    signer.name,
                    signer.kind.value,
                    signer.city,
                    signer.state,
                    "yes" if signer.public else "no",
                    csv_time(datetime.fromisoformat(contact["signed_at"]), extras.zone),
                    contact["source"],
                    {True: "yes", False: "no"}.get(contact["may_contact"], ""),
                    contact["read_in"],
                ]
            )
    return buffer.getvalue()


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: a sign-on named "=HYPERLINK(…)" is not a formula."""
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def as_json(
    letter: Letter,
    signers: Sequence[Signer],
    versions: Sequence[LetterVersion],
    *,
    extras: Extras = NO_EXTRAS,
) -> str:
    """The interface contract's JSON: active signers only; `count` is their number;
    each signer with the version of the text it signed and the latest it confirmed."""
    ordered = alphabetical(signers)
    document = {
        "letter": {
            "id": letter.id,
            "title": letter.title,
            "deadline": letter.deadline.isoformat(),
            "status": letter.status.value,
            "channels": list(letter.channels),
            "version": letter.version,
            "versions": [
                {
                    "version": version.version,
                    "edited_at": version.edited_at.isoformat(),
                    "edited_by": version.edited_by,
                }
                for version in versions
            ],
            "public_url": extras.public_url,
            # Its texts in other languages, written by its organizers: each signed as
            # the same letter, and the version of the letter's own each translates.
            "translations": [
                {
                    "language": translation.text.language.value,
                    "title": translation.text.title,
                    "of_version": translation.of_version,
                }
                for translation in letter.translations
            ],
        },
        "count": len(ordered),
        "headline": headline(ordered, unverified=extras.unverified(ordered)),
        "signers": [
            {
                "name": signer.name,
                "kind": signer.kind.value,
                "affiliation": signer.affiliation,
                "city": signer.city,
                "state": signer.state,
                "listed_publicly": signer.public,
                "signed_at": signer.signed_at.isoformat(),
                "contacts": _contact_dicts(signer, extras.names),
                "submitted_as": list(signer.submitted_as),
                "possible_duplicate_of": list(signer.possible_duplicate_of),
                "signed_version": signer.signed_version,
                "confirmed_version": signer.confirmed_version,
                "verification": extras.verified(signer).level.value,
                "verified_by": extras.verified(signer).by,
                # Which text of the letter the sign-on that made the entry was shown.
                "read_in": signer.read_in.value,
            }
            for signer in ordered
        ],
        # The roster's member organizations that haven't signed (withdrawn ones too):
        # none without a roster.
        "not_signed": [
            {
                "name": standing.member.name,
                "state": standing.member.state,
                "contacts": [
                    {
                        "name": extras.names.get(contact.user_id) if contact.user_id else None,
                        "email": contact.email,
                        "slack_user": contact.user_id,
                    }
                    for contact in standing.member.contacts
                    if extras.roster_contacts
                ],
                "has_contact": bool(standing.member.contacts),
                "withdrew": standing.standing is Standing.WITHDRAWN,
            }
            for standing in extras.standings
            if standing.missing
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(
    export_format: ExportFormat,
    letter: Letter,
    signers: Sequence[Signer],
    versions: Sequence[LetterVersion],
    *,
    extras: Extras = NO_EXTRAS,
    style: ListStyle = DEFAULT_STYLE,
) -> str | bytes:
    with speaking(PUBLISHED_IN):
        return _render(export_format, letter, signers, versions, extras=extras, style=style)


def _render(
    export_format: ExportFormat,
    letter: Letter,
    signers: Sequence[Signer],
    versions: Sequence[LetterVersion],
    *,
    extras: Extras,
    style: ListStyle,
) -> str | bytes:
    if export_format is ExportFormat.DOCX:
        return document(letter, signers, extras=extras, style=style)
    if export_format is ExportFormat.TEXT:
        return pasteable(letter, signers, extras=extras, style=style)
    if export_format is ExportFormat.CSV:
        return as_csv(signers, extras=extras)
    if export_format is ExportFormat.CONTACTS_CSV:
        return as_contacts_csv(signers, extras=extras)
    if export_format is ExportFormat.HEADLINE:
        return headline(signers, unverified=extras.unverified(signers)) + "\n"
    return as_json(letter, signers, versions, extras=extras)


def document(
    letter: Letter,
    signers: Sequence[Signer],
    *,
    extras: Extras = NO_EXTRAS,
    style: ListStyle = DEFAULT_STYLE,
) -> bytes:
    """The letter as a Word document, its signers listed in `style`."""
    listed = sections(signers, style, types=extras.types)
    return letter_docx(letter, closing=closing_word(letter.body, style), listed=listed)


def pasteable(
    letter: Letter,
    signers: Sequence[Signer],
    *,
    extras: Extras = NO_EXTRAS,
    style: ListStyle = DEFAULT_STYLE,
) -> str:
    """The list in `style`, under the letter's closing word, ready to paste."""
    listed = as_text(signers, style, types=extras.types)
    return f"{closing_word(letter.body, style)}\n\n{listed}" if listed else ""


def export_files(
    letter: Letter,
    signers: Sequence[Signer],
    versions: Sequence[LetterVersion],
    *,
    extras: Extras = NO_EXTRAS,
    style: ListStyle = DEFAULT_STYLE,
) -> list[Attachment]:
    """The list, the document, the CSVs and the JSON. One with nothing in it (no list
    or document before anyone is listed, no contacts CSV without contacts) is empty:
    Slack refuses an empty file, so it isn't sent."""
    with speaking(PUBLISHED_IN):
        return _files(letter, signers, versions, extras=extras, style=style)


def _files(
    letter: Letter,
    signers: Sequence[Signer],
    versions: Sequence[LetterVersion],
    *,
    extras: Extras,
    style: ListStyle,
) -> list[Attachment]:
    stem = f"letter-{letter.id}-signers"
    listed = pasteable(letter, signers, extras=extras, style=style)
    has_contacts = any(s.contacts for s in signers)
    return [
        Attachment(f"{stem}.txt", f"{letter.title}: list of signers", listed),
        Attachment(
            f"letter-{letter.id}.docx",
            f"{letter.title} (Word, with its signers)",
            document(letter, signers, extras=extras, style=style) if listed else b"",
        ),
        Attachment(f"{stem}.csv", f"{letter.title}: signers (CSV)", as_csv(signers, extras=extras)),
        Attachment(
            f"letter-{letter.id}-contacts.csv",
            f"{letter.title}: a row per contact (CSV)",
            as_contacts_csv(signers, extras=extras) if has_contacts else "",
        ),
        Attachment(
            f"{stem}.json",
            f"{letter.title}: signers (JSON)",
            as_json(letter, signers, versions, extras=extras),
        ),
    ]


def _contact_dicts(signer: Signer, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each contact as the exports give it: the name they gave, or else Slack's (a
    Slack account only for those who signed in Slack)."""
    return [
        {
            "name": _contact_name(signer, contact, names),
            "title": contact.title,
            "email": contact.email,
            "slack_user": contact.slack_user,
            "slack_team": contact.team_id,
            "source": contact.source.value,
            # Whether they let the coalition write to them about the letter: asked on
            # the public page only (None: never asked).
            "may_contact": contact.may_contact,
            "signed_at": contact.signed_at.isoformat(),
            # Each contact's own: the entry's is the highest any of them confirmed.
            "signed_version": contact.signed_version,
            "confirmed_version": contact.confirmed_version,
            "read_in": contact.read_in.value,  # the language of the text they signed
        }
        for contact in signer.contacts
    ]


def _contact_name(signer: Signer, contact: Contact, names: Mapping[str, str]) -> str | None:
    """The name they gave; for someone signing in Slack, else their Slack name; for an
    individual who signed on the web or in an imported row, the name they signed as."""
    if contact.person_name:
        return contact.person_name
    if contact.slack_user:
        return names.get(contact.slack_user)
    return contact.submitted_as if signer.kind is SignerKind.INDIVIDUAL else None


def _contact_line(contact: dict[str, Any]) -> str:
    who = contact["name"] or (
        f"Slack user {contact['slack_user']}" if contact["slack_user"] else ""
    )
    details = [part for part in (who, contact["title"], contact["email"]) if part]
    return ", ".join(details)


def audit_csv(changes: list[SignerChange]) -> str:
    """The audit trail as CSV, one change a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for change in changes:
        writer.writerow(
            _inert(str(cell))
            for cell in [
                change.changed_at.isoformat(),
                change.signer_id,
                change.signer_name,
                change.action.value,
                change.field or "",
                change.before or "",
                change.after or "",
                change.changed_by,
                change.reason or "",
            ]
        )
    return buffer.getvalue()
