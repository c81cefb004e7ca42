"""The daily tally's numbers for one letter, and what the next tally compares against.

Pure functions. "Since the last tally" is counted by entry id, not by signing time:
imported sign-ons carry the time they were signed elsewhere, which may be long before
the tally that first sees them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.rules.letters import Letter
from bot.rules.places import state_label
from bot.rules.roster import MemberStanding, Reach
from bot.rules.signons import Signer, SignerKind
from bot.rules.verification import Verified, verified_organizations


@dataclass(frozen=True, slots=True)
class LetterTally:
    letter: Letter
    count: int
    change: int | None  # None for a letter's first tally
    new_signers: tuple[str, ...]  # in signing order
    by_state: tuple[tuple[str, int], ...]  # most signers first
    organizations: int
    individuals: int
    pending_reviews: int
    unconfirmed: int = 0  # entries on an earlier version of the text, not confirmed since
    reach: Reach | None = None  # how far it has reached the roster, with one
    held: int = 0  # people whose sign-ons past a few organizations wait for an organizer
    web: int = 0  # sign-ons made on its public page and confirmed by email
    verified: int | None = None  # organizations verified; None without a roster
    waiting: int = 0  # organizations waiting to be verified, not counted


def tally_letter(
    letter: Letter,
    signers: Sequence[Signer],
    *,
    previous: Any,
    pending_reviews: int,
    standings: Sequence[MemberStanding] = (),
    held: int = 0,
    web: int = 0,
    verification: Mapping[int, Verified] | None = None,
    waiting: int = 0,
) -> LetterTally:
    """Where `letter` stands, against the `previous` tally's snapshot (None if none)."""
    seen = (previous or {}).get(str(letter.id))
    if seen is None:
        change, new = None, list(signers)
    else:
        change = len(signers) - int(seen["count"])
        new = [signer for signer in signers if signer.id > int(seen["last_signer_id"])]
    states = Counter(state_label(signer.state) for signer in signers)
    organizations = sum(1 for signer in signers if signer.kind is SignerKind.ORGANIZATION)
    return LetterTally(
        letter=letter,
        count=len(signers),
        change=change,
        new_signers=tuple(signer.name for signer in new),
        by_state=tuple(sorted(states.items(), key=lambda item: (-item[1], item[0]))),
        organizations=organizations,
        individuals=len(signers) - organizations,
        pending_reviews=pending_reviews,
        unconfirmed=sum(1 for signer in signers if signer.agreed_version < letter.version),
        reach=Reach.of(standings) if standings else None,
        held=held,
        web=web,
        verified=verified_organizations(signers, verification)[1] if verification else None,
        waiting=waiting,
    )


def snapshot(tallies: Sequence[LetterTally], signers: Mapping[int, Sequence[Signer]]) -> Any:
    """What the next tally compares against: each letter's count and newest entry."""
    return {
        str(tally.letter.id): {
            "count": tally.count,
            "last_signer_id": max((s.id for s in signers[tally.letter.id]), default=0),
        }
        for tally in tallies
    }
