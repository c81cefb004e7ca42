"""Words that name a place or a chapter.

Two organization names that differ by one of these ("Make the Road New York" and
"Make the Road CT", "Indivisible" and "Indivisible West Phoenix") are different
organizations, however alike the rest of the name is.
"""

from __future__ import annotations

from bot.rules.language import N_

US_STATES = frozenset(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland
    massachusetts michigan minnesota mississippi missouri montana nebraska nevada hampshire
    jersey mexico york carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee
    texas utah vermont virginia washington wisconsin wyoming columbia puerto rico guam
    """.split()
)

# Two-letter codes, leaving out those that are also everyday words in English or Spanish
# organization names ("in", "or", "me", "de", "la", "co" …), which would wrongly
# split "Justice in Motion" from a misspelling of itself.
STATE_CODES = frozenset(
    """
    ak az ar ca ct dc fl ia il ks ky mi mn ms mt nc nd nh nj nm nv ny pr ri sc sd tn tx ut
    va vt wi wv wy md
    """.split()
)

STATE_NAMES = {
    "ak": "alaska",
    "az": "arizona",
    "ar": "arkansas",
    "ca": "california",
    "ct": "connecticut",
    "dc": "district of columbia",
    "fl": "florida",
    "ia": "iowa",
    "il": "illinois",
    "ks": "kansas",
    "ky": "kentucky",
    "md": "maryland",
    "mi": "michigan",
    "mn": "minnesota",
    "ms": "mississippi",
    "mt": "montana",
    "nc": "north carolina",
    "nd": "north dakota",
    "nh": "new hampshire",
    "nj": "new jersey",
    "nm": "new mexico",
    "nv": "nevada",
    "ny": "new york",
    "pr": "puerto rico",
    "ri": "rhode island",
    "sc": "south carolina",
    "sd": "south dakota",
    "tn": "tennessee",
    "tx": "texas",
    "ut": "utah",
    "va": "virginia",
    "vt": "vermont",
    "wi": "wisconsin",
    "wv": "west virginia",
    "wy": "wyoming",
}
# At the end of a name a code is a place even where it is also a word ("… PA"); these
# stay ambiguous there too: LA is also Los Angeles, IN/OR/ME/HI/OK/OH are words.
STATE_NAMES |= {
    "pa": "pennsylvania",
    "wa": "washington",
    "ga": "georgia",
    "ma": "massachusetts",
    "mo": "missouri",
    "ne": "nebraska",
    "de": "delaware",
    "co": "colorado",
    "al": "alabama",
    "id": "idaho",
}
ALL_STATE_CODES = frozenset(STATE_NAMES) | {"la", "in", "or", "me", "hi", "ok", "oh"}

CITIES = frozenset(
    """
    albuquerque anchorage atlanta austin baltimore boston brooklyn bronx buffalo charlotte
    chicago cincinnati cleveland columbus dallas denver detroit durham el paso fresno
    houston indianapolis jacksonville kc memphis miami milwaukee minneapolis nashville
    newark oakland omaha orlando philadelphia phoenix pittsburgh portland providence queens
    raleigh reno richmond sacramento seattle spokane stockton tampa tucson tulsa angeles
    francisco diego jose antonio orleans vegas louis paul dmv bay harlem manhattan
    """.split()
)

DIRECTIONS = frozenset(
    """
    north south east west northern southern eastern western central northeast northwest
    southeast southwest midwest greater upstate downstate metro inland coastal
    """.split()
)

CHAPTER_WORDS = frozenset(
    """
    chapter chapters county counties region regional branch area valley city local state
    statewide district
    """.split()
)

PLACE_OR_CHAPTER = US_STATES | STATE_CODES | CITIES | DIRECTIONS | CHAPTER_WORDS


def is_place_or_chapter(token: str) -> bool:
    """True for a place, a direction, a chapter word, or a number such as a local's."""
    return token in PLACE_OR_CHAPTER or any(character.isdigit() for character in token)


_MISSING_NAMES = {
    "la": "louisiana",
    "in": "indiana",
    "or": "oregon",
    "me": "maine",
    "hi": "hawaii",
    "ok": "oklahoma",
    "oh": "ohio",
}
_NAME_OF = STATE_NAMES | _MISSING_NAMES
_CODE_OF = {name: code for code, name in _NAME_OF.items()}
NO_STATE = N_("no state given")  # said where shown


def state_label(state: str | None) -> str:
    """'ny', 'NY', 'New York' → 'NY'; other places as typed; none → 'no state given'."""
    text = " ".join((state or "").split()).strip(".")
    if not text:
        return NO_STATE
    folded = text.casefold()
    if folded in ALL_STATE_CODES:
        return folded.upper()
    if folded in _CODE_OF:
        return _CODE_OF[folded].upper()
    return text


def state_name(label: str) -> str | None:
    """'NY' → 'New York'; None for what isn't a state's code."""
    name = _NAME_OF.get(label.casefold())
    return name.title() if name else None
