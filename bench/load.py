"""The sign-on load both throughput benchmarks send: signed `/signon` requests, a quarter
of them spelling variants of names already sent, a fixed number at a time.

A sign-on's latency ends when the signer holds the confirmation of a committed, deduped
sign-on: in the ack itself, or, if recording took longer than the ack allows, when the
follow-up reaches the response_url.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from collections.abc import Sequence

import aiohttp

from bench.names import synthetic_names, variants
from tests.fake_slack import FakeSlack
from tests.slack_driver import SlackDriver

CONFIRMED = ("You signed", "had already signed", "another contact")


def sign_on_texts(count: int, seed: int) -> list[str]:
    """`count` organization names, every fourth a variant of one sent before it."""
    rng = random.Random(seed)
    names = synthetic_names(count)
    return [
        variants(rng.choice(names[: n + 1]), rng) if n % 4 == 3 else names[n] for n in range(count)
    ]


async def sign_on_burst(
    fake: FakeSlack,
    urls: Sequence[str],
    texts: Sequence[str],
    *,
    concurrency: int,
    tag: str,
    confirmations: bool = True,
) -> tuple[float, list[float]]:
    """Send one /signon per text, `concurrency` at a time, spread over `urls` in turn
    (as a load balancer would); returns sign-ons per second and each latency. Without
    `confirmations` (an app that only acks) latency ends at the empty ack."""
    latencies: list[float] = []
    limit = aiohttp.TCPConnector(limit=concurrency * len(urls))
    async with aiohttp.ClientSession(connector=limit) as session:
        drivers = itertools.cycle([SlackDriver(session, url, fake) for url in urls])
        queue = iter(enumerate(texts))
        started = time.perf_counter()

        async def worker(slack: SlackDriver) -> None:
            for n, text in queue:
                sent = time.perf_counter()
                key = f"command-{tag}-{n}"
                reply = await slack.send_command(
                    "/signon", text, user=f"U{n:05d}", channel="CBENCH", response_key=key
                )
                assert reply.status == 200, reply.body
                if confirmations and not any(word in reply.body for word in CONFIRMED):
                    while key not in fake.response_arrivals:  # noqa: ASYNC110 - a test double
                        await asyncio.sleep(0.001)
                    latencies.append(fake.response_arrivals[key] - sent)
                else:
                    latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(worker(next(drivers)) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(texts) / elapsed, latencies


def p99(latencies: list[float]) -> float:
    return sorted(latencies)[int(len(latencies) * 0.99) - 1]


def print_table(
    results: dict[str, list[tuple[float, list[float]]]],
    *,
    label: str,
    sign_ons: int,
    concurrency: int,
) -> dict[str, float]:
    """Print each set-up's median rate, p50 and p99 as a Markdown table; return the rates."""
    rounds = len(next(iter(results.values())))
    print(f"{sign_ons:,} sign-ons per round, {concurrency} at a time, {rounds} rounds; medians:\n")
    print(f"| {label} | sign-ons/s | p50 latency | p99 latency |")
    print("| --- | ---: | ---: | ---: |")
    rates = {}
    for name, measured in results.items():
        rates[name] = statistics.median(rate for rate, _ in measured)
        p50 = statistics.median(statistics.median(latencies) for _, latencies in measured)
        slowest = statistics.median(p99(latencies) for _, latencies in measured)
        print(f"| {name} | {rates[name]:,.0f} | {p50 * 1000:.1f} ms | {slowest * 1000:.1f} ms |")
    return rates
