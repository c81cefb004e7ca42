"""The coalition's roster: reading it from a CSV, and who on it has signed a letter.

Pure functions, no I/O. Columns are found by what their header says, as for imported
sign-ons. A member is matched to a letter's entries by the same rules that dedupe
sign-ons: its name or any alias naming the same organization as an entry's name (or
any spelling submitted for it) means it signed; a possible duplicate means a person
should look; anything else, not signed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.cleaning import one_line
from bot.dedupe import org_key, prepared, same
from bot.importing import ImportProblem, SkippedRow, decode, find_columns, read_header
from bot.limits import ORGANIZATION_MAX, PLACE_MAX
from bot.models import (
    MemberStanding,
    RosterContact,
    RosterMember,
    Signer,
    SignerKind,
    SignerStatus,
    Standing,
)
from bot.places import state_label
from bot.signer_index import SignerIndex

HEADERS = {
    "name": ("organization name", "organization", "organisation", "member", "name", "group"),
    "aliases": ("aliases", "alias", "also known as", "aka", "other names", "acronym"),
    "state": ("state", "state/province"),
    "kind": ("type", "kind", "level", "scope"),
    "slack": (
        "slack",
        "slack id",
        "slack ids",
        "slack member id",
        "slack member ids",
        "slack user",
    ),
    "email": ("email", "emails", "email address", "contact email", "contact emails", "contacts"),
}
# Several values in one cell: "a@x.org; b@x.org", "U01, U02", one per line.
_SEPARATORS = re.compile(r"[;,\n]+|\s{2,}")
_ALIAS_SEPARATORS = re.compile(r"[;|\n]+")
_SLACK_ID = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
ALIASES_MAX = 20


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member organization as the file gives it (rows naming it twice combined)."""

    line: int
    name: str
    aliases: tuple[str, ...] = ()
    state: str | None = None
    kind: str | None = None
    contacts: tuple[RosterContact, ...] = ()

    @property
    def key(self) -> str:
        return org_key(self.name)


@dataclass(frozen=True, slots=True)
class RosterFile:
    members: list[MemberRow]
    skipped: list[SkippedRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RosterSaved:
    """What storing a roster file changed."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    kept: int  # members already on the roster that the file did not name


@dataclass(frozen=True, slots=True)
class RosterImport:
    saved: RosterSaved
    skipped: list[SkippedRow]
    to_look_up: list[str]  # contacts' emails no Slack account is known for yet


@dataclass(frozen=True, slots=True)
class EmailLookup:
    """What Slack said of the emails looked up: the accounts found, the emails nobody
    in the workspace has, and those it couldn't be asked about (it stopped answering,
    or there was no token to ask with)."""

    found: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)


def read_roster(data: bytes) -> RosterFile:
    """Member organizations from a CSV's bytes; the message of `ImportProblem` says
    what to change when the file can't be read."""
    try:
        return _read(decode(data))
    except csv.Error as problem:
        raise ImportProblem(f"This isn't a CSV file I can read ({problem}).") from None


def _read(text: str) -> RosterFile:
    header, reader = read_header(text)
    columns = find_columns(header, HEADERS)
    if "name" not in columns:
        raise ImportProblem(
            "I couldn't find an “Organization” (or “Member”) column. The columns are: "
            f"{', '.join(repr(h) for h in header)}."
        )
    by_key: dict[str, MemberRow] = {}
    skipped: list[SkippedRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(field: str, cells: list[str] = cells) -> str:
            index = columns.get(field)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        name = one_line(cell("name"))[:ORGANIZATION_MAX]
        if not org_key(name):
            skipped.append(SkippedRow(number, "it has no organization name"))
            continue
        contacts, unreadable = _contacts(cell("slack"), cell("email"))
        if unreadable:
            skipped.append(
                SkippedRow(
                    number,
                    f"“{unreadable[0]}” is neither a Slack member ID nor an email "
                    f"(the rest of {name}'s row was read)",
                )
            )
        row = MemberRow(
            line=number,
            name=name,
            aliases=_aliases(cell("aliases"), name),
            state=one_line(cell("state"))[:PLACE_MAX] or None,
            kind=one_line(cell("kind"))[:PLACE_MAX] or None,
            contacts=contacts,
        )
        earlier = by_key.get(row.key)
        by_key[row.key] = row if earlier is None else _combined(earlier, row)
    return RosterFile(list(by_key.values()), skipped)


def _aliases(text: str, name: str) -> tuple[str, ...]:
    """Other names, leaving out any that is only the name spelled otherwise."""
    own = prepared(org_key(name))
    found = {
        org_key(alias): alias
        for alias in (one_line(part)[:ORGANIZATION_MAX] for part in _ALIAS_SEPARATORS.split(text))
        if org_key(alias) and not same(prepared(org_key(alias)), own)
    }
    return tuple(found.values())[:ALIASES_MAX]


def _contacts(slack: str, email: str) -> tuple[tuple[RosterContact, ...], list[str]]:
    """The cell's Slack member IDs and emails (either may sit in either column)."""
    contacts: dict[tuple[str | None, str | None], RosterContact] = {}
    unreadable: list[str] = []
    for value in _values(slack) + _values(email):
        if found := _SLACK_ID.match(value.upper() if value.isalnum() else value):
            contact = RosterContact(user_id=found.group(1))
        elif _EMAIL.match(value):
            contact = RosterContact(user_id=None, email=value.casefold())
        else:
            unreadable.append(value)
            continue
        contacts.setdefault((contact.user_id, contact.email), contact)
    return tuple(contacts.values()), unreadable


def _values(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _combined(first: MemberRow, second: MemberRow) -> MemberRow:
    """A member named on two rows: both rows' aliases and contacts, the later details."""
    return MemberRow(
        line=first.line,
        name=first.name,
        aliases=tuple(dict.fromkeys(first.aliases + second.aliases)),
        state=second.state or first.state,
        kind=second.kind or first.kind,
        contacts=tuple(dict.fromkeys(first.contacts + second.contacts)),
    )


def standings(
    members: Iterable[RosterMember],
    entries: Sequence[Signer],
    *,
    decided: Mapping[tuple[int, int], bool] | None = None,
) -> list[MemberStanding]:
    """Where each member stands with a letter whose entries (active and withdrawn) are
    `entries`. `decided` holds organizers' answers to "is this member that entry?",
    by (member id, entry id)."""
    decided = decided or {}
    active = _Spellings([e for e in entries if e.status is SignerStatus.ACTIVE])
    withdrawn = _Spellings([e for e in entries if e.status is SignerStatus.WITHDRAWN])
    found: list[MemberStanding] = []
    for member in members:
        keys = [key for key in map(org_key, (member.name, *member.aliases)) if key]
        signed = [e for e in active.same(keys) if decided.get((member.id, e.id), True)]
        signed += [e for e in active.possible(keys) if decided.get((member.id, e.id)) is True]
        if signed:
            found.append(MemberStanding(member, Standing.SIGNED, *_named(signed)))
            continue
        possible = [e for e in active.possible(keys) if (member.id, e.id) not in decided]
        if possible:
            found.append(MemberStanding(member, Standing.POSSIBLY_SIGNED, *_named(possible)))
        elif gone := withdrawn.same(keys):
            found.append(MemberStanding(member, Standing.WITHDRAWN, *_named(gone)))
        else:
            found.append(MemberStanding(member, Standing.NOT_SIGNED))
    return found


def signed_from_state(entries: Sequence[Signer], state: str | None) -> list[str]:
    """The listed organizations from `state` (however it is written) that have signed."""
    if not state:
        return []
    wanted = state_label(state)
    return [
        entry.name
        for entry in entries
        if entry.status is SignerStatus.ACTIVE
        and entry.public
        and entry.kind is SignerKind.ORGANIZATION
        and state_label(entry.state) == wanted
    ]


def _named(entries: Iterable[Signer]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The entries' names and ids, each entry once."""
    unique = list({entry.id: entry for entry in entries}.values())
    return tuple(entry.name for entry in unique), tuple(entry.id for entry in unique)


class _Spellings:
    """Organization entries, found by their published name or any spelling submitted."""

    def __init__(self, entries: Sequence[Signer]) -> None:
        # The index holds one key per slot: a slot per spelling of each entry.
        self._index = SignerIndex()
        self._entry_of: dict[int, Signer] = {}
        self._by_key: dict[str, list[Signer]] = {}
        for entry in entries:
            if entry.kind is not SignerKind.ORGANIZATION:
                continue
            for key in dict.fromkeys(map(org_key, (entry.name, *entry.submitted_as))):
                if key:
                    slot = len(self._entry_of) + 1
                    self._entry_of[slot] = entry
                    self._index.add(slot, key)
                    self._by_key.setdefault(key, []).append(entry)

    def same(self, keys: Iterable[str]) -> list[Signer]:
        found: dict[int, Signer] = {}
        for key in keys:
            match = self._index.same_as(key)
            for entry in self._by_key.get(match, []) if match is not None else []:
                found.setdefault(entry.id, entry)
        return list(found.values())

    def possible(self, keys: Iterable[str]) -> list[Signer]:
        found: dict[int, Signer] = {}
        for key in keys:
            for slot in self._index.possible(key):
                found.setdefault(self._entry_of[slot].id, self._entry_of[slot])
        return list(found.values())
