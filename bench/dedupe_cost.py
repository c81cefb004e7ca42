"""Per-sign-on dedupe cost at 1k, 10k and 100k existing signers.

For each size: normalize + look up 2,000 incoming names (a third exact variants of
existing signers, a third near spellings, a third new) with the SignerIndex, and, as the
baseline in the same run, with a brute-force rapidfuzz scan of every existing key.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from rapidfuzz import fuzz, process

from bench.names import synthetic_names, variants
from bot.rules.dedupe import Verdict, compare, org_key
from bot.rules.signer_index import SignerIndex

QUERIES = 2_000


def main() -> None:
    print("| existing signers | index median | index p99 | brute-force median | speed-up |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in (1_000, 10_000, 100_000):
        rng = random.Random(size)
        names = synthetic_names(size + QUERIES)
        existing, fresh = names[:size], names[size:]
        index = SignerIndex()
        keys = {}
        for signer_id, name in enumerate(existing, start=1):
            key = org_key(name)
            index.add(signer_id, key)
            keys[signer_id] = key
        queries = [
            variants(rng.choice(existing), rng) if n % 3 != 2 else fresh[n] for n in range(QUERIES)
        ]
        indexed = _timed(queries, partial(_indexed, index))
        brute = _timed(queries[:200], partial(_brute_force_name, keys))
        print(
            f"| {size:,} | {_ms(statistics.median(indexed))} | {_ms(_p99(indexed))} "
            f"| {_ms(statistics.median(brute))} "
            f"| {statistics.median(brute) / statistics.median(indexed):.0f} times |"
        )


def _indexed(index: SignerIndex, name: str) -> object:
    return index.match(org_key(name))


def _brute_force_name(keys: dict[int, str], name: str) -> list[int]:
    return _brute_force(org_key(name), keys)


def _brute_force(key: str, keys: dict[int, str]) -> list[int]:
    """Judge every existing key the index would let through, the slow way."""
    closest = process.extract(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=60, limit=None)
    return [
        signer_id
        for _, _, signer_id in closest
        if compare(key, keys[signer_id]) is not Verdict.DISTINCT
    ]


def _timed(queries: list[str], work: Callable[[str], object]) -> list[float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        work(query)
        times.append(time.perf_counter() - start)
    return times


def _p99(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.99) - 1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


if __name__ == "__main__":
    main()
