"""The coalition's roster: its member organizations and their contacts, and where each
member stands with a letter. A member is matched to a letter's entries by the same rules
that dedupe sign-ons: its name or any alias naming the same organization as an entry's
name (or any spelling submitted for it) means it signed; a possible duplicate means a
person should look; anything else, not signed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.rules.dedupe import org_key
from bot.rules.places import state_label
from bot.rules.signer_index import SignerIndex
from bot.rules.signons import Signer, SignerKind, SignerStatus


@dataclass(frozen=True, slots=True)
class RosterContact:
    """How a member organization is reached: a Slack account, an email, or both (an
    email Slack knows is looked up to its account)."""

    user_id: str | None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class RosterMember:
    """A member organization of the coalition: someone expected to sign."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    state: str | None = None
    kind: str | None = None  # national, state, local …
    contacts: tuple[RosterContact, ...] = ()
    domains: tuple[str, ...] = ()  # its own email domains: "aclu.org"

    @property
    def user_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.user_id for c in self.contacts if c.user_id))


class Standing(StrEnum):
    """Where a member organization stands with a letter."""

    SIGNED = "signed"
    POSSIBLY_SIGNED = "possibly_signed"  # a signer's name may be theirs: a person decides
    WITHDRAWN = "withdrawn"  # signed, then withdrew: counted as not signed
    NOT_SIGNED = "not_signed"


@dataclass(frozen=True, slots=True)
class MemberStanding:
    member: RosterMember
    standing: Standing
    signed_as: tuple[str, ...] = ()  # the entry (or, when possibly, entries) it matched
    entry_ids: tuple[int, ...] = ()  # those entries' ids, in the same order

    @property
    def missing(self) -> bool:
        return self.standing in (Standing.NOT_SIGNED, Standing.WITHDRAWN)


@dataclass(frozen=True, slots=True)
class Reach:
    """How far a letter has reached the roster."""

    members: int
    signed: list[MemberStanding]
    missing: list[MemberStanding]  # not signed, or withdrawn
    possible: list[MemberStanding]  # may have signed, under a name a person should check

    @classmethod
    def of(cls, found: Sequence[MemberStanding]) -> Reach:
        return cls(
            members=len(found),
            signed=[s for s in found if s.standing is Standing.SIGNED],
            missing=[s for s in found if s.missing],
            possible=[s for s in found if s.standing is Standing.POSSIBLY_SIGNED],
        )


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member organization as the file gives it (rows naming it twice combined)."""

    line: int
    name: str
    aliases: tuple[str, ...] = ()
    state: str | None = None
    kind: str | None = None
    contacts: tuple[RosterContact, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return org_key(self.name)


@dataclass(frozen=True, slots=True)
class RosterSaved:
    """What storing a roster file changed."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    kept: int  # members already on the roster that the file did not name


@dataclass(frozen=True, slots=True)
class EmailLookup:
    """What Slack said of the emails looked up: the accounts found, the emails nobody
    in the workspace has, and those it couldn't be asked about (it stopped answering,
    or there was no token to ask with)."""

    found: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)


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
