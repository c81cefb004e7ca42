"""The Spanish catalog is whole and right: every phrase the code and the templates say
has a Spanish translation that keeps its placeholders, and plurals follow Spanish's
CLDR rules, not `n == 1`."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.rules import language
from bot.rules.language import (
    LOCALES,
    CatalogMissing,
    Language,
    check_catalogs,
    current,
    gettext,
    named,
    ngettext,
    number,
    of_accept_language,
    of_locale,
    speaking,
)

ROOT = Path(__file__).resolve().parent.parent
SPANISH_CATALOG = LOCALES / "es" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every phrase the code and templates say, as `make messages` gathers them."""
    template = tmp_path_factory.mktemp("catalog") / "messages.pot"
    CommandLineInterface().run(  # type: ignore[no-untyped-call]
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(template),
            str(ROOT / "bot"),
            str(ROOT / "handlers"),
        ]
    )
    with template.open("rb") as file:
        return read_po(file)


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    with SPANISH_CATALOG.open("rb") as file:
        return read_po(file, locale="es")


def _phrases(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _forms(message: Message) -> tuple[str, ...]:
    """Each form of its translation: one, or one per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (str(string or ""),)


def _ids(message: Message) -> tuple[str, ...]:
    """Its phrase, or its singular and plural."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)


def _placeholders(text: str) -> set[str]:
    """The named fields a phrase is formatted with: `{count}`, and `%(count)s`."""
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return fields | set(re.findall(r"%\((\w+)\)", text))


def test_every_phrase_said_has_a_spanish_translation(extracted: Catalog, spanish: Catalog) -> None:
    """A phrase added to the code or a template without its Spanish (or changed since
    it was translated) fails here, named, until `make messages` and a translator see it."""
    missing = []
    for message in _phrases(extracted):
        translated = spanish.get(message.id)
        if (
            translated is None
            or translated.fuzzy
            or not all(form.strip() for form in _forms(translated))
            or (message.pluralizable and not translated.pluralizable)
        ):
            missing.append(_ids(message)[0])
    assert missing == [], f"{len(missing)} phrases lack a Spanish translation: {missing[:20]}"
    assert len(_phrases(extracted)) > 300  # the extraction itself found the phrases


def test_every_translation_keeps_the_placeholders_of_its_phrase(spanish: Catalog) -> None:
    """A translation that drops, adds or renames a `{placeholder}` would fail (or say
    the wrong thing) when formatted: each form keeps its phrase's fields exactly."""
    wrong = []
    for message in _phrases(spanish):
        ids = _ids(message)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for form in _forms(message):
            # A singular may say "one" in words instead of its count: nothing else.
            allowed = wanted if message.pluralizable else _placeholders(ids[0])
            if not _placeholders(form) <= allowed or (
                not message.pluralizable and _placeholders(form) != allowed
            ):
                wrong.append((ids[0], form))
    assert wrong == []


def test_the_catalog_plurals_are_spanish_cldr_rules() -> None:
    """Spanish's plural forms are Babel's CLDR rules (one, many, other), and the catalog
    says so: 0 and 21 take the plural, 1 the singular, a million its own form."""
    with SPANISH_CATALOG.open("rb") as file:
        catalog = read_po(file, locale="es")
    assert catalog.plural_forms == get_plural("es").plural_forms
    rule = Locale("es").plural_form
    assert [rule(n) for n in (0, 1, 2, 21, 1_000_000)] == [
        "other",
        "one",
        "other",
        "other",
        "many",
    ]


@pytest.mark.parametrize(
    ("count", "english", "spanish"),
    [
        (0, "*0 of 150* signed", "firmaron *0 de 150*"),
        (1, "*1 of 150* signed", "firmó *1 de 150*"),
        (2, "*2 of 150* signed", "firmaron *2 de 150*"),
        (21, "*21 of 150* signed", "firmaron *21 de 150*"),
    ],
)
def test_a_count_is_said_with_the_right_plural_in_each_language(
    count: int, english: str, spanish: str
) -> None:
    """The count line under a letter, for 0, 1, 2 and 21 signers, in both languages."""
    from bot.slack.blocks.text import signed_count

    assert signed_count(count, goal=150) == english
    with speaking(Language.SPANISH):
        assert signed_count(count, goal=150) == spanish


@pytest.mark.parametrize(
    ("count", "spanish"),
    [
        (0, "0 organizaciones que pidieron no aparecer en la lista"),
        (1, "1 organización que pidió no aparecer en la lista"),
        (2, "2 organizaciones que pidieron no aparecer en la lista"),
        (21, "21 organizaciones que pidieron no aparecer en la lista"),
    ],
)
def test_a_plural_phrase_takes_spanish_forms_for_0_1_2_and_21(count: int, spanish: str) -> None:
    """`ngettext` picks the Spanish form by the catalog's rule (0 is plural, as in
    English; 21 is plural, unlike languages whose rule ends in ones), and the verb
    agrees with it."""
    phrase = (
        "{count} organization that asked not to be listed",
        "{count} organizations that asked not to be listed",
    )
    with speaking(Language.SPANISH):
        assert ngettext(*phrase, count).format(count=number(count)) == spanish
    english = ngettext(*phrase, count).format(count=number(count))
    assert english == phrase[count != 1].format(count=count)


def test_numbers_and_moments_are_said_the_readers_way() -> None:
    """Babel formats numbers and dates for the reader: 1,204 and Mon Nov 23, 5:00 PM in
    English; 12.045 and lun 23 nov, 17:00 in Spanish."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.rules.timing import clock

    moment = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    zone = ZoneInfo("America/New_York")
    assert (number(12_045), clock(moment, zone)) == ("12,045", "Mon Nov 23, 5:00 PM ET")
    with speaking(Language.SPANISH):
        assert (number(12_045), clock(moment, zone)) == ("12.045", "lun 23 nov, 17:00 ET")
        assert current() is Language.SPANISH
    assert current() is Language.ENGLISH


def test_a_language_is_found_from_a_slack_locale_a_browser_or_a_word() -> None:
    """Any Spanish locale is Spanish (Slack's es-LA and es-ES, a browser's es-419);
    anything else English; a browser's weights are honoured; people may type the name."""
    assert [of_locale(x) for x in ("es-LA", "es-ES", "es_MX", "en-US", "pt-BR", None)] == [
        Language.SPANISH,
        Language.SPANISH,
        Language.SPANISH,
        Language.ENGLISH,
        Language.ENGLISH,
        Language.ENGLISH,
    ]
    assert of_accept_language("es-MX,es;q=0.9,en;q=0.5") is Language.SPANISH
    assert of_accept_language("en-US,en;q=0.9,es;q=0.8") is Language.ENGLISH
    assert of_accept_language("fr-FR, es;q=0.3") is Language.SPANISH
    assert of_accept_language("es;q=0, en;q=0.1") is Language.ENGLISH
    assert of_accept_language("fr, de") is None
    assert of_accept_language("") is None
    assert [named(x) for x in ("Español", "espanol", "es", "Inglés", "EN", "klingon")] == [
        Language.SPANISH,
        Language.SPANISH,
        Language.SPANISH,
        Language.ENGLISH,
        Language.ENGLISH,
        None,
    ]


def test_outside_any_reader_it_is_english() -> None:
    """Without a reader's language (a channel post, the command line), phrases are
    the English they are written in."""
    assert gettext("Sign on") == "Sign on"
    with speaking(Language.SPANISH):
        assert gettext("Sign on") == "Firmar"


def test_without_its_compiled_catalogs_the_bot_says_how_to_build_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout whose catalogs were never compiled fails at start, naming the command
    that compiles them, rather than answering Spanish readers in English."""
    monkeypatch.setattr(language, "LOCALES", tmp_path)
    language._catalog.cache_clear()
    try:
        with pytest.raises(CatalogMissing, match="make catalogs"):
            check_catalogs()
    finally:
        language._catalog.cache_clear()
