"""Is this sign-on an organization that already signed? Pure functions, no I/O.

`org_key` folds away what never distinguishes two organizations (case, punctuation,
spacing, accents, look-alike letters, "Inc.", a leading "The", "&", a trailing
"(ACLU)"-style acronym). Equal keys are the *same* organization, and so are two keys
that differ only by a space ("Unidos US" / "UnidosUS") or by a looser acronym the key
kept ("National Council of La Raza (NCLR)"). `compare` judges every other pair:
*possible* duplicates (an acronym against its full name, a near spelling, a name with an
extra word) go to an organizer; names that differ by a place, a chapter or a real word
are *distinct* and never merged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from enum import StrEnum
from functools import cache, lru_cache

from rapidfuzz import fuzz

from bot.rules.places import ALL_STATE_CODES, STATE_NAMES, is_place_or_chapter
from bot.rules.signons import Submission


class Verdict(StrEnum):
    SAME = "same"
    POSSIBLE = "possible"
    DISTINCT = "distinct"


# Spelled-out forms, so "Natl Immigration Law Ctr" reads as the full words.
ABBREVIATIONS = {
    "assn": "association",
    "assoc": "association",
    "natl": "national",
    "intl": "international",
    "ctr": "center",
    "centre": "center",
    "univ": "university",
    "dept": "department",
    "svcs": "services",
    "organisation": "organization",
    "labour": "labor",
}
STOPWORDS = frozenset("of for the and in on at to a an de del la las los el y et".split())
LEGAL_SUFFIXES = frozenset("inc incorporated llc ltd llp pllc pbc".split())

# Letters from other scripts that look like Latin ones, as they arrive from copy-paste
# or deliberate spoofing. NFKC handles full-width and styled letters; this handles the
# Cyrillic and Greek look-alikes it leaves alone.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwABEKMHOPCTXIJSabeikvoptuxABEZHIKMNOPTYX",
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_NON_WORD = re.compile(r"[^\w]+")
# A near spelling: at least this similar (rapidfuzz's 0-100 ratio), token by token.
NEAR_SPELLING = 75.0
NEAR_WORD_MIN_LENGTH = 3
# A looser acronym ("FLIC" for "Florida Immigrant Coalition"): at most this long, and
# leaving out at most this many of the name's significant words.
ACRONYM_MAX_LENGTH = 10
ACRONYM_SKIPS_MAX = 1
# Or the initials of at least this many words, and at most this many letters more.
ACRONYM_INITIALS_MIN = 3
ACRONYM_MORE_MAX = 3
# Whole names compared without spaces: this similar, and at least this long.
NEAR_WHOLE_NAME = 90.0
COMPACT_MIN_LENGTH = 10


def org_key(name: str) -> str:
    """The form of a name under which spelling variants of one organization are equal."""
    words = [ABBREVIATIONS.get(word, word) for word in _words(_fold(name))]
    # "The Advocates …" and the catalog style "Advocates …, The".
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] == "the":
        words = words[:-1]
    # "SPLC - Southern Poverty Law Center": a leading acronym of the rest adds nothing.
    if len(words) > 2 and words[0] not in ALL_STATE_CODES and _is_acronym_of(words[0], words[1:]):
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words = words[:-1]
    # "… (ACLU)", "… - SPLC", "… NYIC": the name's own acronym adds nothing. A state
    # code is never taken for one: "Sierra Club (SC)" is the South Carolina chapter.
    if (
        len(words) > 2
        and words[-1] not in ALL_STATE_CODES
        and _is_acronym_of(words[-1], words[:-1])
    ):
        words = words[:-1]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words = words[:-1]
    # A state code names a place only at the end: "Make the Road NY", not "Mi Familia Vota".
    if len(words) > 1 and words[-1] in STATE_NAMES:
        words = [*words[:-1], *STATE_NAMES[words[-1]].split()]
    return " ".join(words)


def person_key(name: str) -> str:
    """An individual's name, folded the same way but keeping every word."""
    return " ".join(_words(_fold(name)))


@lru_cache(maxsize=200_000)
def initials(key: str) -> str:
    """'american civil liberties union' → 'aclu' (small words left out)."""
    return "".join(word[0] for word in key.split() if word not in STOPWORDS)


class Prepared:
    """A key split into what comparing it needs of it alone, worked out once: a name
    is compared with a dozen others each time it is signed. Its parts are tuples of
    strings, which the garbage collector stops tracking: a letter's dedupe index holds
    one of these per signer for as long as the process runs."""

    __slots__ = (
        "initials",
        "joined",
        "key",
        "maybe_acronyms",
        "significant",
        "unique",
        "words",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.words = tuple(key.split())
        self.unique = len(set(self.words)) == len(self.words)
        self.significant = tuple(word for word in self.words if word not in STOPWORDS)
        # One letter per significant word: an acronym of a run of them is found in it.
        self.initials = "".join(word[0] for word in self.significant)
        self.maybe_acronyms = tuple(
            word for word in self.words if len(word) >= 2 and word.isalpha()
        )
        self.joined = key.replace(" ", "")


@lru_cache(maxsize=50_000)
def prepared(key: str) -> Prepared:
    return Prepared(key)


def compare(a: str, b: str) -> Verdict:
    """Judge two organization keys (as made by `org_key`)."""
    return judge(prepared(a), prepared(b))


def same(a: Prepared, b: Prepared) -> bool:
    """The two keys name one organization (`judge`'s SAME, at a fraction of its cost)."""
    return (
        a.key == b.key
        # A space dropped or added ("Unidos US" / "UnidosUS"), and no place moved into
        # a word: "Sanctuary DMV" / "SanctuaryDMV" stays for a person to judge.
        or (a.joined == b.joined and _places(a) == _places(b))
        # "Florida Immigrant Coalition (FLIC)" / "Florida Immigrant Coalition".
        or _adds_its_acronym(a, b)
        or _adds_its_acronym(b, a)
    )


def judge(a: Prepared, b: Prepared) -> Verdict:
    """`compare`, on keys already prepared."""
    if same(a, b):
        return Verdict.SAME
    if _ends_in_acronym_of(a, b) or _ends_in_acronym_of(b, a):
        # "National Immigration Project (NIPNLG)" / "… of the National Lawyers Guild".
        return Verdict.POSSIBLE
    words_a, words_b = _expand_acronyms(a, b), _expand_acronyms(b, a)
    expanded = words_a is not a.words or words_b is not b.words
    if (words_a != a.words or words_b != b.words) and Counter(words_a) == Counter(words_b):
        # One name is the other's acronym: "ACLU" for "American Civil Liberties Union".
        return Verdict.POSSIBLE
    # Nothing expanded and each word once (as nearly always): lookups will do.
    if not expanded and a.unique:
        only_a = [word for word in a.words if word not in b.words]
    else:
        only_a = _only(Counter(words_a), Counter(words_b))
    if not expanded and b.unique:
        only_b = [word for word in b.words if word not in a.words]
    else:
        only_b = _only(Counter(words_b), Counter(words_a))
    if _same_state_written_two_ways(only_a, only_b):
        # "NY Immigration Coalition" / "New York …": likely one; "Mi Familia Vota" /
        # "Michigan …" is not. Only a person can tell.
        return Verdict.POSSIBLE
    if only_a and only_b and _pair_as_near_spellings(only_a, only_b):
        # A typo, even in a place's name ("Ilinois"); two places ("Austin", "Boston")
        # are not near spellings of each other.
        return Verdict.POSSIBLE
    if any(_place_or_chapter(word) for word in only_a + only_b):
        return Verdict.DISTINCT
    if not only_a or not only_b:
        # Same words in another order, or one name with words the other lacks.
        return Verdict.POSSIBLE
    if _near_without_spaces(a, b):
        # A slip that moved a space or hit a short word: "Center fo rGender …".
        return Verdict.POSSIBLE
    return Verdict.DISTINCT


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).translate(_INVISIBLE).translate(_LOOKALIKES)
    text = "".join(
        character
        for character in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(character)
    )
    text = text.replace("&", " and ").replace("+", " and ")
    # Apostrophes join, other punctuation separates: "People's" = "Peoples".
    return re.sub("[\u2019\u2018'`\u00b4]", "", text)


def _words(text: str) -> list[str]:
    words = [word for word in _NON_WORD.split(text.casefold().replace("_", " ")) if word]
    return _join_spelled_out_letters(words)


def _join_spelled_out_letters(words: list[str]) -> list[str]:
    """'a c l u' (from "A.C.L.U.") becomes 'aclu'."""
    joined: list[str] = []
    run = ""
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        if word:
            joined.append(word)
    return joined


def _is_acronym_of(candidate: str, words: list[str]) -> bool:
    """True when `candidate` spells the initials of `words` (or, from three letters on,
    their start: "NCC" for "National Council of Churches of Christ")."""
    if len(candidate) < 2 or not candidate.isalpha():
        return False
    every_word = "".join(word[0] for word in words)
    significant = initials(" ".join(words))
    return candidate in {every_word, significant} or (
        len(candidate) >= 3
        and (every_word.startswith(candidate) or significant.startswith(candidate))
    )


def _places(key: Prepared) -> Counter[str]:
    return Counter(word for word in key.words if _place_or_chapter(word))


def _adds_its_acronym(longer: Prepared, shorter: Prepared) -> bool:
    """`longer` is `shorter`, its spaces maybe placed otherwise, with an acronym of it
    before or after: an acronym looser than `org_key` drops, so the key kept it."""
    if len(longer.words) < 2:
        return False
    last, first = longer.words[-1], longer.words[0]
    if len(longer.joined) - len(last) != len(shorter.joined) != len(longer.joined) - len(first):
        return False
    return (
        (
            (
                longer.joined[: -len(last)] == shorter.joined
                and (_abbreviates(last, shorter.key) or _initials_and_more(last, shorter.key))
            )
            or (longer.joined[len(first) :] == shorter.joined and _abbreviates(first, shorter.key))
        )
        # No place run into a word on the way (the acronym itself is never one).
        and _places(longer) == _places(shorter)
    )


def _initials_and_more(acronym: str, key: str) -> bool:
    """`acronym` is the initials of the key's significant words (three or more) and a
    few letters more, as a trailing "(CHIRLA)" is for "Coalition for Humane Immigrant
    Rights" (of Los Angeles) or "(NIPNLG)" for "National Immigration Project"."""
    start = initials(key)
    return (
        len(start) >= ACRONYM_INITIALS_MIN
        and acronym.startswith(start)
        and 0 < len(acronym) - len(start) <= ACRONYM_MORE_MAX
        and acronym.isalpha()
        and acronym not in ALL_STATE_CODES
        and not _place_or_chapter(acronym)
    )


def _ends_in_acronym_of(this: Prepared, other: Prepared) -> bool:
    """This key ends in an acronym of the other's whole name (or of its initials and a
    few letters more), and its other words are the other's: "NIPNLG", "National
    Immigration Project NIPNLG", "CHIRLA"."""
    last = this.words[-1]
    return (
        last not in other.words
        and last[0] == other.key[0]
        and all(word in other.words for word in this.words[:-1])
        and (_abbreviates(last, other.key) or _initials_and_more(last, other.key))
    )


@lru_cache(maxsize=50_000)
def _abbreviates(acronym: str, key: str) -> bool:
    """`acronym` is spelled by the starts of the key's words, in order, from its first
    significant word and over at least two, leaving out at most `ACRONYM_SKIPS_MAX` significant
    words: "flic" for "florida immigrant coalition", "raices" for "refugee and
    immigrant center for education and legal services". Never a state code or a place.
    """
    words = key.split()
    if (
        not 2 <= len(acronym) <= ACRONYM_MAX_LENGTH
        or not acronym.isalpha()
        or acronym in words
        or acronym in ALL_STATE_CODES
        or _place_or_chapter(acronym)
    ):
        return False

    @cache
    def spelled(start: int, word: int, skips: int) -> bool:
        """acronym[start:] is spelled by words[word:], `skips` more words left out."""
        if start == len(acronym):
            return sum(w not in STOPWORDS for w in words[word:]) <= skips
        if word == len(words):
            return False
        current = words[word]
        # The first word gives the acronym's start, never all of it.
        longest = min(len(current), len(acronym) - 1 if start == 0 else len(acronym) - start)
        shared = 0
        while shared < longest and current[shared] == acronym[start + shared]:
            shared += 1
        if any(spelled(start + taken, word + 1, skips) for taken in range(shared, 0, -1)):
            return True
        if current in STOPWORDS:
            return spelled(start, word + 1, skips)
        return start > 0 and skips > 0 and spelled(start, word + 1, skips - 1)

    return spelled(0, 0, ACRONYM_SKIPS_MAX)


def _expand_acronyms(this: Prepared, other: Prepared) -> tuple[str, ...]:
    """This key's words, with a word that is the acronym of a run of the other's
    significant words replaced by those words: "splc action fund" against "southern
    poverty law center action fund". `this.words` itself when nothing is replaced."""
    if not any(word not in other.words and word in other.initials for word in this.maybe_acronyms):
        return this.words
    expanded: list[str] = []
    for word in this.words:
        start = -1
        if word not in other.words and len(word) >= 2 and word.isalpha():
            start = other.initials.find(word)
        if start < 0:
            expanded.append(word)
        else:
            expanded.extend(other.significant[start : start + len(word)])
    return tuple(word for word in expanded if word not in STOPWORDS)


def _only(mine: Counter[str], theirs: Counter[str]) -> list[str]:
    """My words the other lacks, as many times as I have more of them, in my order."""
    return [word for word, count in mine.items() for _ in range(count - theirs.get(word, 0))]


@lru_cache(maxsize=50_000)
def _place_or_chapter(word: str) -> bool:
    return is_place_or_chapter(word)


def _same_state_written_two_ways(only_a: list[str], only_b: list[str]) -> bool:
    for code, name in ((only_a, only_b), (only_b, only_a)):
        if len(code) == 1 and code[0] in STATE_NAMES and STATE_NAMES[code[0]].split() == name:
            return True
    return False


def _near_without_spaces(a: Prepared, b: Prepared) -> bool:
    shorter = min(len(a.joined), len(b.joined))
    return shorter >= COMPACT_MIN_LENGTH and fuzz.ratio(a.joined, b.joined) >= NEAR_WHOLE_NAME


def _pair_as_near_spellings(only_a: list[str], only_b: list[str]) -> bool:
    """Every differing word has a near-spelling partner on the other side."""
    if len(only_a) != len(only_b):
        joined = fuzz.ratio(" ".join(only_a), " ".join(only_b))
        return (
            joined >= NEAR_SPELLING
            and min(len(" ".join(only_a)), len(" ".join(only_b))) >= NEAR_WORD_MIN_LENGTH
        )
    remaining = list(only_b)
    for word in only_a:
        best = max(remaining, key=lambda other: fuzz.ratio(word, other))
        if (
            min(len(word), len(best)) < NEAR_WORD_MIN_LENGTH
            or fuzz.ratio(word, best) < NEAR_SPELLING
        ):
            return False
        remaining.remove(best)
    return True


def individual_key(submission: Submission) -> str:
    """People of one name are one signer only with the same affiliation, or, without
    one, the same email or Slack account: two Maria Garcías are two people."""
    name = person_key(submission.name)
    if not name:
        return ""
    if submission.affiliation:
        return f"{name} | {org_key(submission.affiliation)}"
    return f"{name} | {(submission.email or submission.user_id or '').casefold()}"
