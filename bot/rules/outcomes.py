"""What becomes of each sign-on in a batch, as a pure function of the batch and of what
the letter already holds: a new entry, another contact of an entry, nothing (this
person had signed it already), or nothing (this imported row was imported before).

The rules, in arrival order:
- an imported row whose reference was recorded before (earlier, or earlier in the
  batch) changes nothing;
- a person who is already a contact of the entry changes nothing;
- a person who would make a new organization's entry after already signing for
  `limit` organizations of the letter (or after an organizer withdrew every sign-on of
  theirs) is held for an organizer, unless trusted (an organizer or lead of the letter)
  or approved: one person can't inflate the count;
- otherwise the sign-on is a contact of its entry: of the letter's active entry with
  the same kind and key, else of a new entry that the first such sign-on makes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.rules.limits import ORGANIZATIONS_PER_PERSON
from bot.rules.signons import HoldStatus, Outcome

Identity = tuple[str, str]  # (kind, dedupe key)
Entry = int | Identity  # an entry the letter has (its id), or a new one (its identity)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One sign-on as the rules see it."""

    identity: Identity
    user: str | None = None  # the Slack account signing, if any
    import_ref: str | None = None  # the imported row's reference, if any
    organization: bool = False  # for an organization (individuals sign for themselves)
    trusted: bool = False  # an organizer or lead of the letter: never held


@dataclass(frozen=True, slots=True)
class Known:
    """What the letter holds that the batch is judged against."""

    entries: Mapping[Identity, int]  # active entries, merged spellings included
    imported: Mapping[str, int]  # import references recorded, and their entries
    contacts: frozenset[tuple[int, str]]  # (entry, Slack account) still signed
    # How many of the letter's organizations each signing person counts or waits for,
    # and an organizer's word on those who went past `limit` before.
    organizations: Mapping[str, int] = field(default_factory=dict)
    holds: Mapping[str, HoldStatus] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    entry: Entry
    adds_contact: bool  # a contact row is recorded for this sign-on


@dataclass(frozen=True, slots=True)
class Decisions:
    new_entries: list[Identity]  # in the order the sign-ons that make them arrived
    each: list[Decision]  # one per sign-on, in arrival order


def decide(
    batch: Sequence[Arrival], known: Known, *, limit: int = ORGANIZATIONS_PER_PERSON
) -> Decisions:
    held = _held(batch, known, limit=limit)
    new_entries: dict[Identity, None] = {}
    for n, arrival in enumerate(batch):
        imported = arrival.import_ref is not None and arrival.import_ref in known.imported
        if arrival.identity not in known.entries and not imported and n not in held:
            new_entries.setdefault(arrival.identity)
    imported_refs: dict[str, Entry] = dict(known.imported)
    contacts: set[tuple[Entry, str]] = set(known.contacts)
    unmade: set[Entry] = set(new_entries)
    each: list[Decision] = []
    for n, arrival in enumerate(batch):
        if n in held:
            each.append(Decision(Outcome.HELD, arrival.identity, False))
            continue
        ref, user = arrival.import_ref, arrival.user
        if ref is not None and ref in imported_refs:
            each.append(Decision(Outcome.IMPORTED_BEFORE, imported_refs[ref], False))
            continue
        entry: Entry = known.entries.get(arrival.identity, arrival.identity)
        if user is not None and (entry, user) in contacts:
            each.append(Decision(Outcome.ALREADY, entry, False))
            continue
        each.append(Decision(Outcome.NEW if entry in unmade else Outcome.SAME, entry, True))
        unmade.discard(entry)
        if user is not None:
            contacts.add((entry, user))
        if ref is not None:
            imported_refs[ref] = entry
    return Decisions(list(new_entries), each)


def _held(batch: Sequence[Arrival], known: Known, *, limit: int) -> set[int]:
    """The positions of the sign-ons held for an organizer. Joining an entry made
    already adds nothing to the count, so only making a new one can be held; each
    organization a person signs (or joins) counts towards their limit."""
    counts = dict(known.organizations)
    signed: set[tuple[Identity, str]] = set()
    made: set[Identity] = set()
    held: set[int] = set()
    for n, arrival in enumerate(batch):
        user = arrival.user
        if user is None or not arrival.organization or (arrival.identity, user) in signed:
            continue
        entry = known.entries.get(arrival.identity)
        if entry is not None and (entry, user) in known.contacts:
            continue  # already theirs
        new = entry is None and arrival.identity not in made
        word = known.holds.get(user)
        past = word is HoldStatus.WITHDRAWN or (
            word is not HoldStatus.APPROVED and counts.get(user, 0) >= limit
        )
        if new and past and not arrival.trusted:
            held.add(n)
            continue
        counts[user] = counts.get(user, 0) + 1
        signed.add((arrival.identity, user))
        made.add(arrival.identity)
    return held
