"""The candidate index finds what dedupe must judge, and nothing it need not."""

from __future__ import annotations

from bot.rules.dedupe import org_key
from bot.rules.signer_index import Match, SignerIndex


def index_of(*names: str) -> SignerIndex:
    index = SignerIndex()
    for signer_id, name in enumerate(names, start=1):
        index.add(signer_id, org_key(name))
    return index


def test_an_exact_key_is_found_as_the_same_signer() -> None:
    """A spelling variant's key points at the entry that signed first."""
    index = index_of("American Civil Liberties Union", "Mijente")
    assert index.match(org_key("American Civil Liberties Union (ACLU)")) == Match(same=1)


def test_acronyms_and_typos_are_found_both_ways() -> None:
    """An acronym finds its full name, a full name its acronym, a typo its word."""
    index = index_of("American Civil Liberties Union", "CHIRLA", "Detention Watch Network")
    assert index.match(org_key("ACLU")).possible == (1,)
    assert index.match(org_key("Coalition for Humane Immigrant Rights (CHIRLA)")).possible == (2,)
    assert index.match(org_key("Detention Watch Netwrok")).possible == (3,)


def test_chapters_are_candidates_but_never_possible() -> None:
    """Indivisible chapters share words, and dedupe keeps them apart."""
    index = index_of("Indivisible", "Indivisible Phoenix")
    assert index.match(org_key("Indivisible West Phoenix")) == Match()


def test_a_huge_field_of_similar_names_is_narrowed() -> None:
    """Thousands of entries sharing common words still yield the right pair."""
    index = index_of(
        *(f"Immigrant Justice Coalition {n}" for n in range(3000)),
        "National Immigration Law Center",
    )
    assert index.match(org_key("National Immigrant Law Center")).possible == (3001,)


def test_an_entry_inside_a_longer_name_is_found_through_its_one_shared_word() -> None:
    """ "CHIRLA" is a candidate for "CHIRLA Coalition for Humane Immigrant Rights"."""
    index = index_of("Coalition for Humane Immigrant Rights (CHIRLA)", "CHIRLA")
    assert index.match(org_key("CHIRLA Coalition for Humane Immigrant Rights")).possible == (1, 2)


def test_the_same_organization_wins_over_an_acronyms_possible_match() -> None:
    """The full name after "Name (ACR)" and "ACR" is the parenthesized entry."""
    index = index_of("National Council of La Raza (NCLR)", "NCLR")
    assert index.match(org_key("National Council of La Raza")) == Match(same=1)


def test_a_name_spaced_otherwise_is_found_as_its_entry() -> None:
    index = index_of("Unidos US", "Sanctuary DMV")
    assert index.same_as(org_key("UnidosUS")) == org_key("Unidos US")
    assert index.same_as(org_key("SanctuaryDMV")) is None
    assert index.match(org_key("SanctuaryDMV")).possible == (2,)


def test_a_bare_acronym_and_the_name_it_abbreviates_find_each_other() -> None:
    """They share no word: "NAKASEC" finds its name, and a name finds "FLIC" or
    "RAICES" signed before it; an acronym that can't be the name's finds nothing."""
    index = index_of(
        "National Korean American Service & Education Consortium",
        "FLIC",
        "RAICES",
        "Florida Farmworkers Alliance",
    )
    assert index.match(org_key("NAKASEC")).possible == (1,)
    assert index.match(org_key("Florida Immigrant Coalition")).possible == (2,)
    refugees = "Refugee and Immigrant Center for Education and Legal Services"
    assert index.match(org_key(refugees)).possible == (3,)
    assert index.match(org_key("FFX")).possible == ()


def test_a_bare_acronym_of_the_initials_and_more_finds_its_name_both_ways() -> None:
    """ "CHIRLA" (of Los Angeles) and "Coalition for Humane Immigrant Rights"."""
    name = "Coalition for Humane Immigrant Rights"
    assert index_of(name).match(org_key("CHIRLA")).possible == (1,)
    assert index_of("CHIRLA").match(org_key(name)).possible == (1,)
