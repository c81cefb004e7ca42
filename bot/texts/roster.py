"""Reading the coalition's roster from a CSV: columns found by their headers, several
contacts (or domains) in a cell."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from bot.rules.cleaning import one_line
from bot.rules.dedupe import org_key, prepared, same
from bot.rules.language import gettext as _
from bot.rules.limits import ORGANIZATION_MAX, PLACE_MAX
from bot.rules.roster import (
    MemberRow,
    RosterContact,
    RosterSaved,
)
from bot.rules.verification import is_free_mail
from bot.texts.imports import (
    ImportProblem,
    SkippedRow,
    decode,
    find_columns,
    not_csv,
    read_header,
)

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
    "domains": (
        "domains",
        "domain",
        "email domains",
        "email domain",
        "web domains",
        "web domain",
        "website",
        "websites",
    ),
}


# Several values in one cell: "a@x.org; b@x.org", "U01, U02", one per line.
_SEPARATORS = re.compile(r"[;,\n]+|\s{2,}")


_ALIAS_SEPARATORS = re.compile(r"[;|\n]+")


_SLACK_ID = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


_DOMAIN_SEPARATORS = re.compile(r"[;,|\s]+")


# What a domain may be written as: "aclu.org", "@aclu.org", "https://www.aclu.org/about".
_WRITTEN_DOMAIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?@?([^/?#:]+)")


_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


ALIASES_MAX = 20
DOMAINS_MAX = 20


@dataclass(frozen=True, slots=True)
class RosterFile:
    members: list[MemberRow]
    skipped: list[SkippedRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RosterImport:
    saved: RosterSaved
    skipped: list[SkippedRow]
    to_look_up: list[str]  # contacts' emails no Slack account is known for yet


def read_roster(data: bytes) -> RosterFile:
    """Member organizations from a CSV's bytes; the message of `ImportProblem` says
    what to change when the file can't be read."""
    try:
        return _read(decode(data))
    except csv.Error as problem:
        raise ImportProblem(not_csv(problem)) from None


def _read(text: str) -> RosterFile:
    header, reader = read_header(text)
    columns = find_columns(header, HEADERS)
    if "name" not in columns:
        raise ImportProblem(
            _(
                "I couldn't find an “Organization” (or “Member”) column. The columns are: "
                "{columns}."
            ).format(columns=", ".join(repr(h) for h in header))
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
            skipped.append(SkippedRow(number, _("it has no organization name")))
            continue
        contacts, unreadable = _contacts(cell("slack"), cell("email"))
        if unreadable:
            skipped.append(
                SkippedRow(
                    number,
                    _(
                        "“{value}” is neither a Slack member ID nor an email "
                        "(the rest of {name}'s row was read)"
                    ).format(value=unreadable[0], name=name),
                )
            )
        domains, refused = _domains(cell("domains"))
        skipped.extend(
            SkippedRow(
                number,
                _("{problem} (the rest of {name}'s row was read)").format(
                    problem=problem, name=name
                ),
            )
            for problem in refused
        )
        row = MemberRow(
            line=number,
            name=name,
            aliases=_aliases(cell("aliases"), name),
            state=one_line(cell("state"))[:PLACE_MAX] or None,
            kind=one_line(cell("kind"))[:PLACE_MAX] or None,
            contacts=contacts,
            domains=domains,
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


def _domains(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The cell's email domains, and what is wrong with any that can't be one."""
    found: dict[str, None] = {}
    refused: list[str] = []
    for value in (part for part in _DOMAIN_SEPARATORS.split(text) if part):
        written = _WRITTEN_DOMAIN.match(value.casefold())
        domain = written.group(1).strip(".") if written else ""
        if not _DOMAIN.match(domain):
            refused.append(_("“{value}” isn't an email domain (like aclu.org)").format(value=value))
        elif is_free_mail(domain):
            refused.append(
                _(
                    "“{domain}” is free mail: anyone can have an address there, so it "
                    "verifies nobody"
                ).format(domain=domain)
            )
        else:
            found.setdefault(domain)
    return tuple(found)[:DOMAINS_MAX], refused


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
        domains=tuple(dict.fromkeys(first.domains + second.domains))[:DOMAINS_MAX],
    )
