"""Imports go one way. Builders take plain data; the domain and storage never reach for
Block Kit; Slack calls live in one place; handlers and the app don't import each other.

Layers, from the edge inwards:
- edge: handlers/, and bot's app, server, command line and scheduler: wire it all up;
- services: what handlers call (letters, sign-ons, reviews, exports, drafts, access,
  the live count, the dispatcher, letter references); they may call Slack and storage;
- slack: bot.slack_ops and bot.slack_people, every Web API call, its messages made by
  the builders;
- builders: bot.blocks, pure Block Kit from plain data;
- storage: bot.storage, the database;
- pure: everything else in bot (models, problems, forms, limits, checks, dedupe, …).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EDGE_MODULES = {"bot.app", "bot.acks", "bot.server", "bot.cli", "bot.__main__", "bot.scheduler"}
SERVICE_MODULES = {
    "bot.letters",
    "bot.signons",
    "bot.reviews",
    "bot.exports",
    "bot.drafts",
    "bot.access",
    "bot.live_count",
    "bot.dispatch",
    "bot.refs",
    "bot.entries",
    "bot.members",
    "bot.imports",
    "bot.people",
    "bot.home",
    "bot.audience",
}

# What each layer may not import.
FORBIDDEN = {
    "pure": {"edge", "services", "slack", "builders", "storage"},
    "storage": {"edge", "services", "slack", "builders"},
    "builders": {"edge", "services", "slack", "storage"},
    "slack": {"edge", "services"},
    "services": {"edge", "builders"},
    "edge": set(),
}


def layer(module: str) -> str:
    if module == "handlers" or module.startswith("handlers.") or module in EDGE_MODULES:
        return "edge"
    if module in SERVICE_MODULES:
        return "services"
    if module in {"bot.slack_ops", "bot.slack_people"}:
        return "slack"
    if module.startswith("bot.blocks"):
        return "builders"
    if module.startswith("bot.storage"):
        return "storage"
    return "pure"


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
        mine, theirs = layer(module), layer(imported)
        if theirs in FORBIDDEN[mine]:
            found.append(f"{module} → {imported} ({mine} may not import {theirs})")
        both_edge = mine == "edge" and theirs == "edge"
        across = module.startswith("handlers") != imported.startswith("handlers")
        if both_edge and across and "bot.app" not in (module, imported):
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
        ("bot.letters", "from bot.blocks.replies import launch_report"),
        ("bot.storage.letters", "import bot.blocks.text"),
        ("bot.blocks.letter_form", "from bot.storage.schema import TITLE_MAX"),
        ("bot.blocks.signon_form", "from bot.signons import SignOns"),
        ("bot.models", "from bot.slack_ops import send_dm"),
        ("handlers.views", "from bot.app import build_app"),
        ("bot.server", "from handlers.commands import SUBCOMMANDS"),
    ],
)
def test_the_check_catches_each_kind_of_forbidden_import(module: str, source: str) -> None:
    """The drift this check exists for is caught, one example of each kind."""
    assert violations(module, source)
