"""Realistic organization names for benchmarks, built from real signatory lists' words."""

from __future__ import annotations

import csv
import random
from pathlib import Path

FIXTURE = (
    Path(__file__).parents[1]
    / "tests"
    / "fixtures"
    / "google-forms-signons-2021-enforcement-reform.csv"
)
PLACES = """Phoenix Tucson Denver Austin Dallas Houston Chicago Boston Seattle Portland Atlanta
Miami Omaha Reno Fresno Oakland""".split()
KINDS = "Coalition Network Alliance Project Center Council Fund Committee Collective Action".split()
TOPICS = """Immigrant Refugee Justice Workers Faith Families Rights Legal Community Sanctuary
Border Asylum Youth Women""".split()


def real_names() -> list[str]:
    with FIXTURE.open(encoding="utf-8") as file:
        return [row["Organization Name"] for row in csv.DictReader(file)]


def synthetic_names(count: int, seed: int = 7) -> list[str]:
    """Distinct names shaped like real ones: topics, a kind, sometimes a place or chapter."""
    rng = random.Random(seed)
    names: set[str] = set(real_names())
    while len(names) < count:
        words = [*rng.sample(TOPICS, rng.randint(1, 3)), rng.choice(KINDS)]
        if rng.random() < 0.5:
            words.append(f"of {rng.choice(PLACES)}")
        if rng.random() < 0.3:
            words.append(f"Chapter {rng.randint(1, 999)}")
        names.add(" ".join(words))
    return sorted(names)[:count]


def variants(name: str, rng: random.Random) -> str:
    """A spelling someone might type for `name`: case, punctuation, Inc., a typo."""
    choice = rng.randint(0, 3)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return f"The {name}, Inc."
    if choice == 2 and len(name) > 8:
        i = rng.randint(1, len(name) - 3)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name.replace(" ", "  ")
