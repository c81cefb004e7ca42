"""Dedupe rules: every spelling variant merges; different organizations never do."""

from __future__ import annotations

import csv
import itertools
import random
import re

import pytest

from bot.rules.dedupe import STOPWORDS, Verdict, compare, initials, org_key, person_key
from bot.rules.places import is_place_or_chapter
from tests.conftest import FIXTURES


def verdict(a: str, b: str) -> Verdict:
    return compare(org_key(a), org_key(b))


@pytest.mark.parametrize(
    ("rule", "a", "b"),
    [
        ("case", "Make the Road New York", "MAKE THE ROAD NEW YORK"),
        ("punctuation", "Bend the Arc: Jewish Action", "Bend the Arc Jewish Action"),
        ("spacing", "United  We   Dream ", " United We Dream"),
        ("Inc.", "Community Justice Project, Inc.", "Community Justice Project"),
        ("LLC", "Detention Watch Network LLC", "Detention Watch Network"),
        ("leading The", "The Advocates for Human Rights", "Advocates for Human Rights"),
        (
            "& and 'and'",
            "Center for Gender & Refugee Studies",
            "Center for Gender and Refugee Studies",
        ),
        ("curly quotes", "Women\u2019s Refugee Commission", "Women's Refugee Commission"),
        (
            "en dash",
            "Aldea \u2013 The People's Justice Center",
            "Aldea - The People's Justice Center",
        ),
        (
            "em dash",
            "Sisters of Mercy of the Americas\u2014Justice Team",
            "Sisters of Mercy of the Americas - Justice Team",
        ),
        (
            "trailing acronym",
            "American Civil Liberties Union (ACLU)",
            "American Civil Liberties Union",
        ),
        (
            "trailing acronym, small words",
            "Asian American Legal Defense and Education Fund (AALDEF)",
            "Asian American Legal Defense and Education Fund",
        ),
        ("accents", "Voces de la Fr\u00f3ntera", "Voces de la Frontera"),
        ("combining accents", "Voces de la Fro\u0301ntera", "Voces de la Frontera"),
        ("zero-width space", "United\u200b We Dream", "United We Dream"),
        ("non-breaking space", "United\u00a0We\u00a0Dream", "United We Dream"),
        ("Cyrillic look-alike", "Un\u0456ted We Dream", "United We Dream"),
        ("Greek look-alike", "\u039cijente", "Mijente"),
        ("full-width letters", "\uff2d\uff49\uff4a\uff45\uff4e\uff54\uff45", "Mijente"),
        ("dotted acronym", "A.C.L.U.", "ACLU"),
        ("state code", "Make the Road NY", "Make the Road New York"),
        ("state code that is also a word", "Make the Road PA", "Make the Road Pennsylvania"),
        (
            "acronym then a full stop",
            "Southern Poverty Law Center (SPLC).",
            "Southern Poverty Law Center",
        ),
        (
            "acronym after a dash",
            "Southern Poverty Law Center \u2013 SPLC",
            "Southern Poverty Law Center",
        ),
        (
            "acronym then Inc.",
            "Southern Poverty Law Center (SPLC), Inc.",
            "Southern Poverty Law Center",
        ),
        (
            "acronym in any case",
            "Southern Poverty Law Center (Splc)",
            "Southern Poverty Law Center",
        ),
        (
            "quoted acronym",
            "Southern Poverty Law Center (\u201cSPLC\u201d)",
            "Southern Poverty Law Center",
        ),
        (
            "bare trailing acronym",
            "New York Immigration Coalition NYIC",
            "New York Immigration Coalition",
        ),
        ("trailing The", "American Civil Liberties Union, The", "American Civil Liberties Union"),
        (
            "leading acronym",
            "SPLC \u2013 Southern Poverty Law Center",
            "Southern Poverty Law Center",
        ),
        ("abbreviation", "Natl Immigration Law Ctr", "National Immigration Law Center"),
    ],
)
def test_spelling_variants_are_the_same_organization(rule: str, a: str, b: str) -> None:
    """Each normalization rule alone makes two spellings one organization."""
    assert org_key(a) == org_key(b), rule
    assert verdict(a, b) is Verdict.SAME


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("space dropped", "Unidos US", "UnidosUS"),
        ("space dropped before a place", "Make the Road New York", "MakeTheRoad New York"),
        ("space added", "Church World Service", "Church WorldService"),
        (
            "looser acronym kept",
            "Florida Immigrant Coalition (FLIC)",
            "Florida Immigrant Coalition",
        ),
        (
            "acronym over small words",
            "National Council of La Raza (NCLR)",
            "National Council of La Raza",
        ),
        (
            "acronym leaving a word out",
            "Refugee and Immigrant Center for Education and Legal Services (RAICES)",
            "Refugee and Immigrant Center for Education and Legal Services",
        ),
        ("acronym in front", "FLIC Florida Immigrant Coalition", "Florida Immigrant Coalition"),
        (
            "acronym of more than the name",
            "Coalition for Humane Immigrant Rights (CHIRLA)",
            "Coalition for Humane Immigrant Rights",
        ),
    ],
)
def test_keys_apart_only_by_a_space_or_a_kept_acronym_are_the_same(
    kind: str, a: str, b: str
) -> None:
    """Spellings whose keys differ, yet name one organization beyond doubt."""
    assert org_key(a) != org_key(b), kind
    assert verdict(a, b) is Verdict.SAME, kind
    assert verdict(b, a) is Verdict.SAME, kind


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("a place run into a word", "Sanctuary DMV", "SanctuaryDMV"),
        ("a state code for an acronym", "Sierra Club", "Sierra Club SC"),
        ("a place for an acronym", "Make the Road", "Make the Road Miami"),
        ("an acronym of part of the name", "Florida Immigrant Coalition", "Florida Immigrant FI"),
        (
            "an acronym leaving out two words",
            "Refugee and Immigrant Center for Education and Legal Services",
            "Refugee and Immigrant Center for Education and Legal Services RICS",
        ),
        (
            "a word, not an acronym",
            "Community Justice Project",
            "Community Justice Project Cooperative",
        ),
        (
            "initials and too much more",
            "Community Justice Project",
            "Community Justice Project CJPLAXY",
        ),
        ("initials of two words and more", "Florida Immigrant", "Florida Immigrant FIX"),
    ],
)
def test_near_misses_of_those_rules_are_not_merged(kind: str, a: str, b: str) -> None:
    assert verdict(a, b) is not Verdict.SAME, kind
    assert verdict(b, a) is not Verdict.SAME, kind


@pytest.mark.parametrize(
    ("family", "names"),
    [
        (
            "place",
            ["Make the Road New York", "Make the Road CT", "Make the Road Nevada", "Make the Road"],
        ),
        ("chapter", ["Indivisible", "Indivisible Phoenix", "Indivisible West Phoenix"]),
        ("affiliate", ["American Civil Liberties Union", "ACLU of Northern California"]),
        ("affiliate by acronym", ["ACLU", "ACLU of Northern California"]),
        ("regional", ["Bend the Arc: Jewish Action", "Bend the Arc Jewish Action South Florida"]),
        ("real word", ["Community Justice Project", "Community Justice Exchange"]),
        ("union local", ["SEIU", "SEIU Local 32BJ"]),
        (
            "city office",
            [
                "Asian Americans Advancing Justice | AAJC",
                "Asian Americans Advancing Justice-Atlanta",
            ],
        ),
    ],
)
def test_different_organizations_with_similar_names_are_never_merged(
    family: str, names: list[str]
) -> None:
    """Names that differ by a place, a chapter or a real word are distinct."""
    for a, b in itertools.combinations(names, 2):
        assert verdict(a, b) is Verdict.DISTINCT, (family, a, b)
        assert verdict(b, a) is Verdict.DISTINCT, (family, b, a)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("acronym alone", "ACLU", "American Civil Liberties Union"),
        ("acronym in parentheses", "CHIRLA", "Coalition for Humane Immigrant Rights (CHIRLA)"),
        ("typo", "Detention Watch Netwrok", "Detention Watch Network"),
        ("near word", "National Immigrant Law Center", "National Immigration Law Center"),
        (
            "missing word",
            "Heartland Alliance National Immigrant Justice Center",
            "National Immigrant Justice Center",
        ),
        ("word order", "Immigrant Legal Resource Center", "Legal Immigrant Resource Center"),
        (
            "acronym of part of the name",
            "SPLC Action Fund",
            "Southern Poverty Law Center Action Fund",
        ),
        ("leading state code", "NY Immigration Coalition", "New York Immigration Coalition"),
        ("code-like word", "Mi Familia Vota", "Michigan Familia Vota"),
        (
            "a long name and its acronym in parentheses",
            "National Immigration Project (NIPNLG)",
            "National Immigration Project of the National Lawyers Guild",
        ),
        ("a looser acronym alone", "FLIC", "Florida Immigrant Coalition"),
        (
            "an acronym of the initials and more, alone",
            "CHIRLA",
            "Coalition for Humane Immigrant Rights",
        ),
        (
            "an acronym alone leaving a word out",
            "RAICES",
            "Refugee and Immigrant Center for Education and Legal Services",
        ),
    ],
)
def test_near_matches_are_possible_duplicates_for_a_person_to_judge(
    kind: str, a: str, b: str
) -> None:
    """Acronyms, near spellings and extra words go to review, both ways round."""
    assert verdict(a, b) is Verdict.POSSIBLE, kind
    assert verdict(b, a) is Verdict.POSSIBLE, kind


def test_the_fixture_export_holds_102_distinct_organizations_and_no_false_pairs() -> None:
    """The real sign-on list: no two of its 102 organizations merge or even look alike."""
    path = FIXTURES / "google-forms-signons-2021-enforcement-reform.csv"
    with path.open(encoding="utf-8") as file:
        names = [row["Organization Name"] for row in csv.DictReader(file)]
    keys = [org_key(name) for name in names]
    assert len(set(keys)) == len(names) == 102
    flagged = [
        (a, b) for a, b in itertools.combinations(keys, 2) if compare(a, b) is not Verdict.DISTINCT
    ]
    assert flagged == []


def test_a_parenthesized_place_is_not_taken_for_an_acronym() -> None:
    """Only a real acronym of the name is dropped: "(MT)" after "Make the Road" is Montana."""
    assert org_key("Make the Road (MT)") != org_key("Make the Road")
    assert org_key("Make the Road New York (MRNY)") == org_key("Make the Road New York")


def test_initials_skip_small_words() -> None:
    """Initials are what an acronym would use."""
    assert initials(org_key("Coalition for Humane Immigrant Rights")) == "chir"
    assert initials(org_key("National Council of Churches")) == "ncc"


def test_person_keys_fold_spelling_but_keep_every_word() -> None:
    """Individuals match across case, accents and spacing; no word is dropped."""
    assert person_key("  Mar\u00eda  de la Cruz ") == person_key("MARIA DE LA CRUZ")
    assert person_key("The Rev. Jane Doe") != person_key("Jane Doe")


def _real_names() -> list[str]:
    path = FIXTURES / "google-forms-signons-2021-enforcement-reform.csv"
    with path.open(encoding="utf-8") as file:
        return [row["Organization Name"] for row in csv.DictReader(file)]


def _simple_variants(name: str) -> list[str]:
    """How people retype a name without changing it."""
    return [
        name.upper(),
        name.lower(),
        name.replace(" ", "  "),
        f"{name}, Inc.",
        f"{name} LLC",
        name[4:] if name.startswith("The ") else f"The {name}",
        name.replace("&", "and") if "&" in name else name.replace(" and ", " & "),
        name.replace("'", "\u2019"),
        name.replace("-", "\u2013"),
        f"{name}.",
        name.replace(" ", "\u00a0", 1),
        name[:3] + "\u200b" + name[3:],
        name.replace("a", "\u0430", 1),
        *_without_a_space(name),
        *_with_a_looser_acronym(name),
    ]


def _without_a_space(name: str) -> list[str]:
    """The name with its first two words run together ("UnidosUS"), unless one is a
    place or the "The" that keys leave out."""
    words = name.split(" ")
    if (
        words[0] == "The"
        or len(words) < 2
        or any(map(is_place_or_chapter, org_key(" ".join(words[:2])).split()))
    ):
        return []
    return [" ".join([words[0] + words[1], *words[2:]])]


def _with_a_looser_acronym(name: str) -> list[str]:
    """The name followed by an acronym taking two letters of its first word ("FLIC")."""
    words = [
        w for w in re.findall(r"[A-Za-z']+", name.replace("'", "")) if w.casefold() not in STOPWORDS
    ]
    if len(words) < 2 or "(" in name or len(words[0]) < 2:
        return []
    acronym = (words[0][:2] + "".join(word[0] for word in words[1:])).upper()
    return [f"{name} ({acronym})"]


def _slips(name: str, rng: random.Random) -> list[str]:
    """Harder variants: a swapped pair of characters, a dropped one, an acronym alone."""
    i = rng.randrange(1, len(name) - 2)
    j = rng.randrange(len(name))
    slips = [name[:i] + name[i + 1] + name[i] + name[i + 2 :], name[:j] + name[j + 1 :]]
    acronym = re.search(r"\(([A-Z]+)\)$", name)
    return slips + ([acronym.group(1)] if acronym else [])


def test_typed_variants_of_real_names_merge_or_queue_and_never_merge_falsely() -> None:
    """Every simple retyping of the 102 real names merges; slips merge or are queued
    (at least 95%); no variant merges with a different organization."""
    names = _real_names()
    rng = random.Random(2021)
    for name in names:
        for variant in _simple_variants(name):
            assert verdict(variant, name) is Verdict.SAME, (variant, name)
    keys = {name: org_key(name) for name in names}
    for name in names:
        for variant in _without_a_space(name) + _with_a_looser_acronym(name):
            variant_key = org_key(variant)
            for other, key in keys.items():
                if other != name:
                    assert compare(variant_key, key) is not Verdict.SAME, (variant, other)
    slips = [(name, slip) for name in names for slip in _slips(name, rng)]
    caught = sum(verdict(slip, name) is not Verdict.DISTINCT for name, slip in slips)
    assert caught / len(slips) >= 0.95, caught / len(slips)
    for name, slip in slips:
        slip_key = org_key(slip)
        for other, key in keys.items():
            if other != name:
                assert compare(slip_key, key) is not Verdict.SAME, (slip, other)
