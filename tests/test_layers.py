"""Imports go one way, and a module's folder says its layer: the rule is read from the
folder names, not from a list of modules kept by hand.

From the edge inwards (each may import its own layer and those below it as listed):
- edge: handlers/, and the entry points directly in bot/ (the app, the server, the
  command line, the scheduler, the settings): they wire it all up;
- services: bot/services/, what a drive does;
- web: bot/web/, the public pages' handlers and templates (edge, like handlers/);
- slack: bot/slack/, every Web API call, its messages made by the builders;
- mail: bot/mail/, email sent through an SMTP relay;
- builders: bot/slack/blocks/, pure Block Kit from plain data;
- storage: bot/storage/, the database;
- texts: bot/texts/, files and lists in and out;
- rules: bot/rules/, the domain itself, pure.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each layer may import, its own included.
MAY_IMPORT = {
    "edge": {"edge", "services", "slack", "mail", "builders", "storage", "texts", "rules"},
    "services": {"services", "slack", "mail", "storage", "texts", "rules"},
    "mail": {"mail", "rules"},
    "slack": {"slack", "builders", "storage", "texts", "rules"},
    "builders": {"builders", "texts", "rules"},
    "storage": {"storage", "rules"},
    "texts": {"texts", "rules"},
    "rules": {"rules"},
}
# The folders of bot/ that are layers, and the layer each is.
FOLDERS = {
    "web": "edge",
    "mail": "mail",
    "services": "services",
    "slack": "slack",
    "storage": "storage",
    "texts": "texts",
    "rules": "rules",
}
# What sits directly in bot/: the entry points, found without looking further.
ENTRY_POINTS = {"bot", "bot.__main__", "bot.app", "bot.server", "bot.cli", "bot.scheduler"}
ENTRY_POINTS |= {"bot.settings", "bot.acks", "bot.logs", "bot.recorder", "bot.signon_route"}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "handlers" or module in ENTRY_POINTS:
        return "edge"
    if parts[:3] == ["bot", "slack", "blocks"]:
        return "builders"
    if len(parts) > 1 and parts[1] in FOLDERS:
        return FOLDERS[parts[1]]
    raise ValueError(f"{module} is in no layer's folder")


def imports(source: str) -> Iterator[str]:
    """The project modules `source` imports (absolute imports of bot and handlers)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        yield from (name for name in names if name.split(".")[0] in {"bot", "handlers"})


def violations(module: str, source: str) -> list[str]:
    """Each forbidden import in `source`, as 'module → imported (why)'."""
    found = []
    for imported in imports(source):
        if imported in {"bot", "bot.services", "bot.slack", "bot.texts", "bot.rules", "bot.mail"}:
            found.append(f"{module} → {imported} (import a module, not a package)")
            continue
        mine, theirs = layer(module), layer(imported)
        if theirs not in MAY_IMPORT[mine]:
            found.append(f"{module} → {imported} ({mine} may not import {theirs})")
        both_edge = mine == "edge" and theirs == "edge"
        across = module.startswith("handlers") != imported.startswith("handlers")
        # The app imports the handlers to register them with Bolt, the sign-on route
        # the one it serves ahead of Bolt; and everyone reads the settings.
        wiring = {"bot.app", "bot.signon_route", "bot.settings"}
        if both_edge and across and not wiring & {module, imported}:
            found.append(f"{module} → {imported} (handlers and bot's edge import each other)")
        if module.startswith("handlers") and imported == "bot.app":
            found.append(f"{module} → {imported} (bot.app imports handlers: a cycle)")
    return found


def project_modules() -> Iterator[tuple[str, Path]]:
    for package in ("bot", "handlers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield ".".join(parts), path


def test_every_module_of_bot_is_an_entry_point_or_in_a_layers_folder() -> None:
    """`ls bot/` shows the layers: nothing else sits beside the entry points."""
    folders = {path.name for path in (ROOT / "bot").iterdir() if (path / "__init__.py").exists()}
    assert folders == set(FOLDERS)
    loose = [
        path.name
        for path in (ROOT / "bot").glob("*.py")
        if f"bot.{path.stem}" not in ENTRY_POINTS and path.stem != "__init__"
    ]
    assert loose == []


def test_no_module_imports_across_its_layer() -> None:
    """Every import in bot/ and handlers/ follows the layers."""
    found = [
        problem
        for module, path in project_modules()
        for problem in violations(module, path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("bot.services.letters", "from bot.slack.blocks.replies import launch_report"),
        ("bot.storage.letters", "import bot.slack.blocks.text"),
        ("bot.slack.blocks.letter_form", "from bot.storage.schema import letters"),
        ("bot.slack.blocks.signon_form", "from bot.services.signons import SignOns"),
        ("bot.rules.signons", "from bot.slack.messages import send_dm"),
        ("bot.rules.checks", "from bot.texts.lists import sections"),
        ("bot.texts.exports", "from bot.storage.signons import load_signers"),
        ("bot.storage.roster", "from bot.texts.roster import read_roster"),
        ("bot.slack.letters", "from bot.services.letters import Letters"),
        ("handlers.signons", "from bot.app import build_app"),
        ("bot.server", "from handlers.letter_command import SUBCOMMANDS"),
        ("bot.services.home", "from bot import rules"),
    ],
)
def test_the_check_catches_each_kind_of_forbidden_import(module: str, source: str) -> None:
    """The drift this check exists for is caught, one example of each kind."""
    assert violations(module, source)


# The README's picture names a layer by its folder; blocks/ is the builders'.
PICTURED = {
    "bot/services/": "services",
    "bot/slack/": "slack",
    "bot/mail/": "mail",
    "blocks/": "builders",
    "bot/storage/": "storage",
    "bot/texts/": "texts",
    "bot/rules/": "rules",
}


def pictured_rule(readme: str) -> dict[str, set[str]]:
    """What each layer may import, as the README's picture of the layers says: its lines
    read `└─ folder/  what it is for  may import a, b` (or `imports nothing of ours`)."""
    picture = readme.split("## Project layout", 1)[1].split("```", 2)[1]
    rule = {}
    for line in picture.splitlines():
        folder = line.strip(" └─").split(" ", 1)[0]
        if folder not in PICTURED:
            continue
        _, _, allowed = line.partition("may import ")
        names = {name.strip() for name in allowed.split(",") if name.strip()}
        rule[PICTURED[folder]] = {"builders" if name == "blocks" else name for name in names}
    return rule


def test_the_readme_pictures_the_layers_as_this_test_holds_them() -> None:
    """The README's picture and `MAY_IMPORT` say the same, layer by layer."""
    pictured = pictured_rule((ROOT / "README.md").read_text(encoding="utf-8"))
    held = {layer: allowed - {layer} for layer, allowed in MAY_IMPORT.items() if layer != "edge"}
    assert pictured == held


def test_a_picture_that_drifts_from_the_rule_is_caught() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drifted = readme.replace("may import rules\n", "may import storage, rules\n", 1)
    assert pictured_rule(drifted) != pictured_rule(readme)
    held = {layer: allowed - {layer} for layer, allowed in MAY_IMPORT.items() if layer != "edge"}
    assert pictured_rule(drifted) != held
