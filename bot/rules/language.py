"""The languages Undersigned speaks, and every word it says put into the reader's.

Each request and each delivery is answered in its reader's language: the edge finds it
(a Slack user's choice or locale, a page's `?lang=` or the browser's Accept-Language, a
web signer's page) and sets it with `speaking(language)` around the work; everything
said inside goes through `gettext` and `ngettext`, which read it, with Babel's gettext
catalogs in `bot/locales/` and Spanish's CLDR plural rules. Numbers and moments are
formatted the reader's way by Babel too. Outside any `speaking`, it is English.

A phrase is written once, in English, as the catalog's key: `_("Sign on")`, and
placeholders by name, filled after translation so the words around them can move:
`_("You are number {number}.").format(number=number(n))`. A phrase kept in a
module-level constant is marked with `N_` (so extraction finds it) and translated where
it is said.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

# Where the catalogs are: `messages.pot` (extracted) and `<language>/LC_MESSAGES/
# messages.po`, compiled to `messages.mo` by the set-up (`make catalogs`).
LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


class Language(StrEnum):
    """A language a reader may be answered in; its value is its code (BCP 47)."""

    ENGLISH = "en"
    SPANISH = "es"

    @property
    def own_name(self) -> str:
        """Its name in itself, as a language link shows it: "Español"."""
        return _OWN_NAMES[self]

    @property
    def read_it_in(self) -> str:
        """A link to a text in this language, said in it for whoever reads that
        language, whatever the page around it speaks: "Leer en español"."""
        return _READ_IT_IN[self]


_OWN_NAMES = {Language.ENGLISH: "English", Language.SPANISH: "Español"}
_READ_IT_IN = {Language.ENGLISH: "Read it in English", Language.SPANISH: "Leer en español"}

# What someone may type to choose one (`/signon idioma español`), lowercased, without
# accents: each language's own name, its code, and its name in the other language.
_NAMED = {
    "en": Language.ENGLISH,
    "english": Language.ENGLISH,
    "ingles": Language.ENGLISH,
    "es": Language.SPANISH,
    "espanol": Language.SPANISH,
    "spanish": Language.SPANISH,
    "castellano": Language.SPANISH,
}

# How a moment is written in each language: "Mon Nov 23, 5:00 PM" and "lun 23 nov, 17:00";
# a day alone, "Mon Nov 23" and "lun 23 nov".
_MOMENT = {Language.ENGLISH: "EEE MMM d, h:mm a", Language.SPANISH: "EEE d MMM, H:mm"}
_DAY = {Language.ENGLISH: "EEE MMM d", Language.SPANISH: "EEE d MMM"}
_TIME = {Language.ENGLISH: "h:mm a", Language.SPANISH: "H:mm"}

_reading: ContextVar[Language] = ContextVar("language", default=Language.ENGLISH)


def of_locale(locale: str | None) -> Language:
    """The language for a locale ("es-MX", Slack's "es-LA", "es_419"): any Spanish one is
    Spanish; anything else, or none, English."""
    primary = (locale or "").replace("_", "-").split("-", 1)[0].strip().casefold()
    return Language.SPANISH if primary == Language.SPANISH else Language.ENGLISH


def named(text: str | None) -> Language | None:
    """The language `text` names ("es", "Español", "spanish", "inglés"), if any."""
    key = (text or "").strip().casefold()
    key = key.translate(str.maketrans("áéíóúñ", "aeioun"))
    return _NAMED.get(key)


def of_accept_language(header: str | None) -> Language | None:
    """The language a browser asks for first, of those we speak (RFC 9110's
    Accept-Language: tags with optional `q` weights; `q=0` means not this one), or None
    when it asks for none of ours."""
    weighed: list[tuple[float, int, Language]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, parameters = part.partition(";")
        primary = tag.strip().casefold().split("-", 1)[0]
        language = {"en": Language.ENGLISH, "es": Language.SPANISH}.get(primary)
        if language is None:
            continue
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().casefold() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            weighed.append((-weight, position, language))
    return min(weighed)[2] if weighed else None


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Say everything inside in `language` (tasks started inside inherit it)."""
    token = _reading.set(language)
    try:
        yield
    finally:
        _reading.reset(token)


def current() -> Language:
    """The language being spoken now."""
    return _reading.get()


def gettext(message: str) -> str:
    """`message` in the reader's language."""
    return _catalog(current()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a phrase about `count` things the reader's language uses for that
    number (Spanish's CLDR rules: one, many and other), still to be formatted."""
    return _catalog(current()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the reader's language, as said in `context` (one English word that
    is two in Spanish: a person's "Title", cargo, and a letter's, título)."""
    return _catalog(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a phrase to translate where it is said, not here (a constant's)."""
    return message


def number(count: int) -> str:
    """A whole number the reader's way: "1,204" in English, "1204" and "12.045" in Spanish."""
    return format_decimal(count, locale=current().value)


def moment(when: datetime, zone: ZoneInfo) -> str:
    """'Mon Nov 23, 5:00 PM' or 'lun 23 nov, 17:00': a moment in `zone`, without the zone."""
    return format_datetime(when.astimezone(zone), _MOMENT[current()], locale=current().value)


def day(when: datetime, zone: ZoneInfo) -> str:
    """'Mon Nov 23' or 'lun 23 nov': the day of a moment, in `zone`."""
    return format_datetime(when.astimezone(zone), _DAY[current()], locale=current().value)


def time_of_day(when: datetime, zone: ZoneInfo) -> str:
    """'5:00 PM' or '17:00': the time of a moment, in `zone`."""
    return format_datetime(when.astimezone(zone), _TIME[current()], locale=current().value)


class CatalogMissing(RuntimeError):
    """A language's compiled catalog isn't there: the set-up compiles them."""


@functools.cache
def _catalog(language: Language) -> gettext_module.NullTranslations:
    if language is Language.ENGLISH:
        # English is what the phrases are written in; its plurals are n == 1's.
        return gettext_module.NullTranslations()
    compiled = LOCALES / language.value / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.is_file():
        raise CatalogMissing(
            f"The {language.own_name} translations aren't compiled ({compiled} is missing): "
            "`make run` or `make catalogs` compiles them."
        )
    return Translations.load(LOCALES, [language.value], DOMAIN)


def check_catalogs() -> None:
    """Fail at start, not at a reader's first message, if a catalog is missing
    (raises CatalogMissing, saying how to compile it)."""
    for language in Language:
        _catalog(language)
