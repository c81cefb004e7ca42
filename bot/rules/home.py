"""The App Home as a person sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.rules.letters import Letter
from bot.rules.reviews import Hold, ReviewPair
from bot.rules.roster import Reach
from bot.rules.schedule import DeliveryProblem
from bot.rules.signons import Signer
from bot.rules.verification import Verified


@dataclass(frozen=True, slots=True)
class Drive:
    """An open letter as its organizer sees it on their Home."""

    letter: Letter
    count: int
    reach: Reach | None = None  # with a roster
    pairs: list[ReviewPair] = field(default_factory=list)
    problems: list[DeliveryProblem] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)  # held sign-ons to decide
    # With a roster: (organizations, how many verified), and each entry's verification.
    verified: tuple[int, int] | None = None
    verification: Mapping[int, Verified] = field(default_factory=dict)
    # Organizations waiting to be verified, on a letter that holds them back.
    waiting: list[Signer] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SignedEntry:
    """An entry someone signed, on a letter still shown to them, by the name they may
    see it under."""

    letter: Letter
    entry: Signer
    name: str


@dataclass(frozen=True, slots=True)
class Home:
    drives: list[Drive]  # empty for someone who runs none
    to_sign: list[tuple[Letter, int]]  # open letters they haven't signed, with counts
    signed: list[SignedEntry]
    organizer: bool = False
    notice: str = ""  # what just happened, at the top
    # Each open letter's public sign-on page, by letter id, for those that have one.
    public_urls: Mapping[int, str] = field(default_factory=dict)
