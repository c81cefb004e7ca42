"""Finds, among a letter's signers, the few a new organization name could be.

Comparing a name against every signer costs milliseconds at ten thousand signers. This
index narrows the field first: signers sharing one of the name's two rarest words or
any word few signers share (or a word one typo away from those), and signers whose
initials are a word of the name or the other way round, and signers whose name is the
same letters spaced otherwise. `dedupe.judge` then judges only those candidates, each
key prepared once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.rules.dedupe import (
    ACRONYM_INITIALS_MIN,
    ACRONYM_MAX_LENGTH,
    ACRONYM_MORE_MAX,
    ACRONYM_SKIPS_MAX,
    STOPWORDS,
    Prepared,
    Verdict,
    initials,
    judge,
    prepared,
    same,
)

# Of the entries sharing words with a name, only this many closest by spelling are
# judged; acronym matches are always judged.
CANDIDATES_MAX = 15
# A word more entries than this share is common: of its entries, only those that
# share the name's other words too are weighed (a fresh name's own words, a new
# chapter number or place, find no one, and leave it only common words).
COMMON = 4 * CANDIDATES_MAX
# Words shorter than this are not looked up with a typo allowance.
TYPO_MIN_LENGTH = 4
_NO_ONE: frozenset[int] = frozenset()
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Match:
    """An exact match (`same`), and signers a person should compare with (`possible`)."""

    same: int | None = None
    possible: tuple[int, ...] = ()


@dataclass
class SignerIndex:
    """The organization keys of one letter's signers, by signer id.

    The index lives as long as the process, and grows by a signer at a time. What only
    a few signers share is filed in tuples of ids, which the garbage collector stops
    tracking (a set per signer would have each full collection walk them all, pausing
    every request); what many share is filed in sets, few of them.
    """

    keys: dict[int, str] = field(default_factory=dict)
    _newest: int = 0
    _prepared: dict[int, Prepared] = field(default_factory=dict)
    _by_key: dict[str, int] = field(default_factory=dict)
    # Keys without spaces, and without spaces or their first or last word: a name run
    # together, or with its acronym added, is found in one lookup.
    _by_joined: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _by_stem: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_initials: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _by_deletion: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A bare acronym ("NAKASEC") and a name it may abbreviate share no word: both are
    # filed under the acronym's first and last letters (for a name, its initials' first
    # and last, or next to last when the acronym leaves the last word out).
    _acronyms: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    _by_ends: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    # And a bare acronym by its starts: "CHIRLA" is the initials of a name and more.
    _acronym_starts: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def newest(self) -> int:
        """The highest signer id the index has seen (0 if none)."""
        return self._newest

    def add(self, signer_id: int, key: str) -> None:
        if signer_id in self.keys:
            return
        self.keys[signer_id] = key
        self._newest = max(self._newest, signer_id)
        mine = self._prepared[signer_id] = prepared(key)
        self._by_key.setdefault(key, signer_id)
        _file(self._by_joined, mine.joined, signer_id)
        for stem in _stems(mine):
            _file(self._by_stem, stem, signer_id)
        for word in _significant(key):
            if word not in self._by_word:
                for variant in _deletions(word):
                    _file(self._by_deletion, variant, word)
            self._by_word[word].add(signer_id)
        _file(self._by_initials, initials(key), signer_id)
        if _acronym_like(mine):
            _file(self._acronyms, (key[0], key[-1]), signer_id)
            for start in _starts(key):
                _file(self._acronym_starts, start, signer_id)
        else:
            for ends in _initials_ends(mine):
                self._by_ends[ends].add(signer_id)

    def match(self, key: str) -> Match:
        same = self.same_as(key)
        if same is not None:
            return Match(same=self._by_key[same])
        return Match(possible=self.possible(key))

    def same_as(self, key: str) -> str | None:
        """The key under which `key`'s organization already signed: `key` itself, or
        the oldest signer's that `dedupe.same` finds the same ("Unidos US" for
        "UnidosUS", "Florida Immigrant Coalition (FLIC)" for the name alone)."""
        if key in self._by_key:
            return key
        mine = prepared(key)
        found = {*self._by_joined.get(mine.joined, ()), *self._by_stem.get(mine.joined, ())}
        for stem in _stems(mine):
            found.update(self._by_joined.get(stem, ()))
        for signer_id in sorted(found):
            if same(mine, self._prepared[signer_id]):
                return self.keys[signer_id]
        return None

    def possible(self, key: str) -> tuple[int, ...]:
        """Signers a person should compare with `key`, oldest first."""
        mine = prepared(key)
        return tuple(
            signer_id
            for signer_id in sorted(self._candidates(key))
            if self.keys[signer_id] != key
            and judge(mine, self._prepared[signer_id]) is Verdict.POSSIBLE
        )

    def _candidates(self, key: str) -> set[int]:
        by_words: set[int] = set()
        hits = sorted((h for h in map(self._near_word_hits, _significant(key)) if h), key=len)
        # The two rarest words, and every word few entries share: an entry that is a
        # subset of the name ("CHIRLA" in "CHIRLA Coalition for …") shares only those.
        for rank, signers in enumerate(hits):
            if len(signers) <= CANDIDATES_MAX or (rank < 2 and len(signers) <= COMMON):
                by_words |= signers
            elif rank < 2:
                by_words |= _sharing_most(signers, hits[:rank] + hits[rank + 1 :])
        if len(by_words) > CANDIDATES_MAX:
            choices = {signer_id: self.keys[signer_id] for signer_id in by_words}
            closest = process.extract(key, choices, scorer=fuzz.ratio, limit=CANDIDATES_MAX)
            by_words = {signer_id for _, _, signer_id in closest}
        by_acronym = self._abbreviation_candidates(prepared(key))
        by_acronym |= self._by_word.get(initials(key), _NO_ONE)
        by_acronym.update(self._by_joined.get(key.replace(" ", ""), ()))
        for word in key.split():
            by_acronym.update(self._by_initials.get(word, ()))
        return by_words | by_acronym

    def _abbreviation_candidates(self, mine: Prepared) -> set[int]:
        """Entries `mine` may be a bare acronym of, or that may be a bare acronym of it,
        their letters in the order an acronym takes them."""
        if _acronym_like(mine):
            found = {
                signer_id
                for signer_id in self._by_ends.get((mine.key[0], mine.key[-1]), ())
                if _spells_initials(mine.key, self._prepared[signer_id].initials)
            }
            for start in _starts(mine.key):
                found.update(self._by_initials.get(start, ()))
            return found
        found = set(self._acronym_starts.get(mine.initials, ()))
        for ends in _initials_ends(mine):
            found.update(
                signer_id
                for signer_id in self._acronyms.get(ends, ())
                if _spells_initials(self.keys[signer_id], mine.initials)
            )
        return found

    def _near_word_hits(self, word: str) -> AbstractSet[int]:
        """Signers with `word`, or with a word one typo away from it (not to be changed:
        usually the index's own set, which for a common word holds thousands)."""
        exact = self._by_word.get(word, _NO_ONE)
        if len(word) < TYPO_MIN_LENGTH:
            return exact
        near = {
            other for variant in _deletions(word) for other in self._by_deletion.get(variant, ())
        }
        near.discard(word)
        return exact.union(*(self._by_word[other] for other in near)) if near else exact


def _stems(key: Prepared) -> tuple[str, ...]:
    """The key without spaces and without its last word, then its first."""
    if len(key.words) < 2:
        return ()
    return key.joined[: -len(key.words[-1])], key.joined[len(key.words[0]) :]


def _acronym_like(key: Prepared) -> bool:
    return len(key.words) == 1 and 2 <= len(key.key) <= ACRONYM_MAX_LENGTH and key.key.isalpha()


def _starts(acronym: str) -> list[str]:
    """The starts an acronym's name's initials may be, a few letters short of it."""
    shortest = max(ACRONYM_INITIALS_MIN, len(acronym) - ACRONYM_MORE_MAX)
    return [acronym[:end] for end in range(shortest, len(acronym))]


def _initials_ends(key: Prepared) -> tuple[tuple[str, str], ...]:
    letters = key.initials
    if len(letters) < 2:
        return ()
    if len(letters) == 2:
        return ((letters[0], letters[-1]),)
    return (letters[0], letters[-1]), (letters[0], letters[-2])


def _spells_initials(acronym: str, letters: str) -> bool:
    """The initials (or all but one, never the first) come in `acronym` in order, from
    its first letter: what an acronym of the name must at least do."""
    if not letters or acronym[:1] != letters[0]:
        return False
    missed = 0
    position = 1
    for letter in letters[1:]:
        found = acronym.find(letter, position)
        if found < 0:
            missed += 1
            if missed > ACRONYM_SKIPS_MAX:
                return False
        else:
            position = found + 1
    return True


def _significant(key: str) -> list[str]:
    return [word for word in key.split() if word not in STOPWORDS]


@lru_cache(maxsize=50_000)
def _deletions(word: str) -> tuple[str, ...]:
    """The word and every way of dropping one letter, each once: words a typo apart
    share one."""
    return tuple(dict.fromkeys([word, *(word[:i] + word[i + 1 :] for i in range(len(word)))]))


def _file(bucket: dict[K, tuple[T, ...]], key: K, item: T) -> None:
    bucket[key] = (*bucket.get(key, ()), item)


def _sharing_most(common: AbstractSet[int], others: list[AbstractSet[int]]) -> AbstractSet[int]:
    """Of the entries sharing a common word, those that share as many of the name's
    other words (`others`, rarest first) as some entries do: the names closest to it
    by their words, in a few set intersections however large the drive."""
    narrowed = common
    for signers in others:
        if len(narrowed) <= COMMON:
            break
        both = narrowed & signers
        if both:
            narrowed = both
    return narrowed
