"""What becomes of each sign-on in a batch, as a pure function of the batch and of what
the letter already holds: a new entry, another contact of an entry, nothing (this
person had signed it already), or nothing (this imported row was imported before).

The rules, in arrival order:
- an imported row whose reference was recorded before (earlier, or earlier in the
  batch) changes nothing;
- a person who is already a contact of the entry changes nothing;
- otherwise the sign-on is a contact of its entry: of the letter's active entry with
  the same kind and key, else of a new entry that the first such sign-on makes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.models import Outcome

Identity = tuple[str, str]  # (kind, dedupe key)
Entry = int | Identity  # an entry the letter has (its id), or a new one (its identity)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One sign-on as the rules see it."""

    identity: Identity
    user: str | None = None  # the Slack account signing, if any
    import_ref: str | None = None  # the imported row's reference, if any


@dataclass(frozen=True, slots=True)
class Known:
    """What the letter holds that the batch is judged against."""

    entries: Mapping[Identity, int]  # active entries, merged spellings included
    imported: Mapping[str, int]  # import references recorded, and their entries
    contacts: frozenset[tuple[int, str]]  # (entry, Slack account) still signed


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    entry: Entry
    adds_contact: bool  # a contact row is recorded for this sign-on


@dataclass(frozen=True, slots=True)
class Decisions:
    new_entries: list[Identity]  # in the order the sign-ons that make them arrived
    each: list[Decision]  # one per sign-on, in arrival order


def decide(batch: Sequence[Arrival], known: Known) -> Decisions:
    new_entries: dict[Identity, None] = {}
    for arrival in batch:
        imported = arrival.import_ref is not None and arrival.import_ref in known.imported
        if arrival.identity not in known.entries and not imported:
            new_entries.setdefault(arrival.identity)
    imported_refs: dict[str, Entry] = dict(known.imported)
    contacts: set[tuple[Entry, str]] = set(known.contacts)
    unmade: set[Entry] = set(new_entries)
    each: list[Decision] = []
    for arrival in batch:
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
