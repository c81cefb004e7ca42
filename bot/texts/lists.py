"""The signer list in the shape a coalition publishes it, under the letter's own closing.

Pure functions. A list is sections, each an optional heading and its lines, so the text
export and the Word document lay out the same list. Formats: names only; "Name, City,
ST"; "Name (ST)"; grouped by state; grouped by type (national, state, local), the type
read from the roster. Individuals are listed apart ("for identification purposes only")
unless asked otherwise; those who asked not to be listed are only counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.rules.dedupe import person_key
from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import DEFAULT_STYLE, ListFormat, ListStyle
from bot.rules.places import ALL_STATE_CODES, NO_STATE, state_label, state_name
from bot.rules.signons import Signer, SignerKind

# Said in the reader's language where they are used.
DEFAULT_CLOSING = N_("Sincerely,")
INDIVIDUALS_HEADING = N_("Individuals (affiliations for identification purposes only)")
OTHER_TYPES_HEADING = N_("Other organizations")
# The words a letter signs off with, on a line of their own ("Respectfully submitted,").
_CLOSING = re.compile(
    r"(sincerely|signed|respectfully|respectfully submitted|respectfully yours|yours truly|"
    r"in solidarity|with gratitude|with appreciation|regards|best regards|thank you)[,.:]?",
    re.IGNORECASE,
)
# Types read from the roster, in the order they are listed; any other type follows.
_TYPE_ORDER = ("national", "regional", "state", "local")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None
    lines: tuple[str, ...]


def closing_word(body: str, style: ListStyle = DEFAULT_STYLE) -> str:
    """The word the list goes under: the style's, else the last sign-off line the letter
    has ("Signed,"), else "Sincerely,"."""
    if style.closing and style.closing.strip():
        return style.closing.strip()
    found = [line.strip() for line in body.splitlines() if _signs_off(line)]
    if not found:
        return _(DEFAULT_CLOSING)
    word = _plain(found[-1]).strip().strip("*_ ").rstrip(".:")
    return word if word.endswith(",") else f"{word},"


def before_closing(body: str) -> str:
    """The letter's text before its own last sign-off line ("Sincerely,"): the closing
    goes once, over the list, and whatever the letter listed under it the list replaces.
    The whole text when it has none."""
    lines = body.splitlines()
    found = [n for n, line in enumerate(lines) if _signs_off(line)]
    return "\n".join(lines[: found[-1]]).rstrip() if found else body


def _signs_off(line: str) -> bool:
    return bool(_CLOSING.fullmatch(_plain(line).strip().rstrip("*_ ")))


def sections(
    signers: Sequence[Signer],
    style: ListStyle = DEFAULT_STYLE,
    *,
    types: Mapping[int, str] | None = None,
) -> list[Section]:
    """The listed signers in `style`; `types` gives an entry's type (by entry id) for
    the grouping by type. The last section counts those who asked not to be listed."""
    listed = [s for s in alphabetical(signers) if s.public]
    organizations = [s for s in listed if s.kind is SignerKind.ORGANIZATION]
    individuals = [s for s in listed if s.kind is SignerKind.INDIVIDUAL]
    grouped = organizations if style.individuals_apart else listed
    found = _grouped(grouped, style.format, types or {})
    if style.individuals_apart and individuals:
        found.append(Section(_(INDIVIDUALS_HEADING), tuple(map(_individual_line, individuals))))
    unlisted = len(signers) - len(listed)
    if unlisted:
        said = ngettext(
            "…and {count} signer who asked not to be listed.",
            "…and {count} signers who asked not to be listed.",
            unlisted,
        )
        found.append(Section(None, (said.format(count=number(unlisted)),)))
    return [section for section in found if section.lines]


def as_text(sections_: Sequence[Section]) -> str:
    """Sections as text to paste: a blank line between them, headings on their own."""
    blocks = ["\n".join(([s.heading] if s.heading else []) + list(s.lines)) for s in sections_]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def states_of(signers: Sequence[Signer]) -> int:
    """How many US states (and DC and territories) the organizations signed from."""
    return len(
        {
            label
            for signer in signers
            if signer.kind is SignerKind.ORGANIZATION
            and (label := state_label(signer.state)).casefold() in ALL_STATE_CODES
        }
    )


def alphabetical(signers: Sequence[Signer]) -> list[Signer]:
    """The order a reader expects: ignoring case, accents and a leading "The"."""

    def order(signer: Signer) -> tuple[str, int]:
        words = person_key(signer.name).split()
        if len(words) > 1 and words[0] == "the":
            words = words[1:]
        return " ".join(words), signer.id

    return sorted(signers, key=order)


def _grouped(
    signers: Sequence[Signer], list_format: ListFormat, types: Mapping[int, str]
) -> list[Section]:
    if list_format is ListFormat.BY_STATE:
        by_state: defaultdict[str, list[Signer]] = defaultdict(list)
        for signer in signers:
            by_state[state_label(signer.state)].append(signer)
        order = sorted(by_state, key=lambda label: (label == NO_STATE, _state_name(label)))
        return [
            Section(_state_name(label), tuple(_line(s, ListFormat.NAMES) for s in by_state[label]))
            for label in order
        ]
    if list_format is ListFormat.BY_TYPE:
        by_type: defaultdict[str, list[Signer]] = defaultdict(list)
        named: dict[str, str] = {}  # each type as the roster first spells it
        for signer in signers:
            kind = types.get(signer.id, "").strip()
            by_type[kind.casefold()].append(signer)
            named.setdefault(kind.casefold(), kind)
        order = sorted(by_type, key=_type_order)
        return [
            Section(
                _type_heading(named[kind]), tuple(_line(s, ListFormat.NAMES) for s in by_type[kind])
            )
            for kind in order
        ]
    return [Section(None, tuple(_line(s, list_format) for s in signers))]


def _line(signer: Signer, list_format: ListFormat) -> str:
    if signer.kind is SignerKind.INDIVIDUAL:
        return _individual_line(signer)
    label = state_label(signer.state) if signer.state else ""
    if list_format is ListFormat.CITY_STATE:
        return ", ".join(part for part in (signer.name, signer.city, label) if part)
    if list_format is ListFormat.STATE and label:
        return f"{signer.name} ({label})"
    return signer.name


def _individual_line(signer: Signer) -> str:
    title = signer.contacts[0].title if signer.contacts else None
    return ", ".join(part for part in (signer.name, title, signer.affiliation) if part)


def _state_name(label: str) -> str:
    """'NY' → 'New York'; a place that isn't a state as typed; none → 'No state given'."""
    if label == NO_STATE:
        return _("No state given")
    return state_name(label) or label


def _type_order(kind: str) -> tuple[int, str]:
    if not kind:
        return (len(_TYPE_ORDER) + 1, "")
    return (_TYPE_ORDER.index(kind) if kind in _TYPE_ORDER else len(_TYPE_ORDER), kind)


_TYPE_HEADINGS = {
    "national": N_("National organizations"),
    "regional": N_("Regional organizations"),
    "state": N_("State organizations"),
    "local": N_("Local organizations"),
}


def _type_heading(kind: str) -> str:
    if not kind:
        return _(OTHER_TYPES_HEADING)
    if kind in _TYPE_HEADINGS:
        return _(_TYPE_HEADINGS[kind])
    return _("{type} organizations").format(type=f"{kind[:1].upper()}{kind[1:]}")


def _plain(line: str) -> str:
    """A line of the letter's markup without its emphasis marks."""
    return re.sub(r"[*_~`]", "", line)
