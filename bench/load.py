"""The sign-on load the throughput benchmarks send: signed `/signon` requests, a quarter
of them spelling variants of names already sent, a fixed number at a time.

Every request is built and signed before the clock starts, so the load generator (which
shares the machine with the apps) spends little CPU while it measures. A sign-on's
latency ends when the signer holds the confirmation of a committed, deduped sign-on: in
the ack itself, or, if recording took longer than the ack allows, when the follow-up
reaches the response_url. For an app that only acks, it ends at the empty ack.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bench.names import synthetic_names, variants
from bot.rules.letters import NewLetter
from bot.rules.schedule import Plan
from bot.storage import Store
from tests.bot_process import BotProcess
from tests.fake_slack import FakeSlack
from tests.slack_driver import SIGNING_SECRET, command_fields

CONFIRMED = ("You signed", "had already signed", "another contact")
WARM_UP = 40  # `/signon help` requests before an app is measured: no database work


@dataclass(frozen=True)
class Burst:
    rate: float  # sign-ons per second
    latencies: list[float]  # seconds, one per sign-on
    followups: int = 0  # confirmations that came on the response_url, not in the ack
    sent: list[float] = field(default_factory=list)  # when each was sent (perf_counter)


@dataclass(frozen=True)
class _Request:
    body: bytes
    headers: dict[str, str]
    key: str  # the response_url's last part


async def open_letter(fake: FakeSlack, database: str) -> None:
    """Letter #1, open for a week and posted in #CBENCH, the channel the load signs in."""
    now = datetime.now(UTC)
    deadline = now + timedelta(days=7)
    async with Store(database) as store:
        letter = await store.letters.create(
            NewLetter("Bench letter", "To", "Text.", deadline, ("CBENCH",), (), None, "UORG"),
            plan=Plan(deadline, ()),
            now=now,
        )
        posted = fake.add_message("CBENCH", "letter")
        await store.letters.record_post(letter.id, "CBENCH", posted)


@asynccontextmanager
async def serving(
    fake: FakeSlack, *, workdir: Path, env: dict[str, str], module: str, concurrency: int
) -> AsyncIterator[BotProcess]:
    """`python -m module` in its own process, healthy and warmed up; stopped after."""
    process = BotProcess(workdir=workdir, env=env, module=module)
    process.start()
    try:
        await process.wait_healthy(process.port)
        await sign_on_burst(
            fake,
            [process.events_url],
            ["help"] * WARM_UP,
            concurrency=concurrency,
            tag=f"{workdir.name}-warm",
            confirmations=False,
        )
        yield process
    finally:
        process.stop()


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
    until: asyncio.Event | None = None,
    first_user: int = 0,
) -> Burst:
    """Send one /signon per text, `concurrency` at a time, spread over `urls` in turn
    (as a load balancer would), or until `until` is set. Without `confirmations` (an app
    that only acks, or a warm-up) latency ends at the ack. The n-th text is sent by
    user number `first_user + n`."""
    requests = _signed(fake, texts, tag, first_user)
    latencies: list[float] = []
    sent_at: list[float] = []
    followups = 0
    limit = aiohttp.TCPConnector(limit=concurrency * len(urls))
    async with aiohttp.ClientSession(connector=limit) as session:
        queue = iter(enumerate(requests))
        started = time.perf_counter()

        async def worker() -> None:
            nonlocal followups
            for n, request in queue:
                if until is not None and until.is_set():
                    return
                sent = time.perf_counter()
                url = urls[n % len(urls)]
                async with session.post(url, data=request.body, headers=request.headers) as reply:
                    body = await reply.text()
                    assert reply.status == 200, (reply.status, body)
                if confirmations and not any(word in body for word in CONFIRMED):
                    followups += 1
                    while request.key not in fake.response_arrivals:  # noqa: ASYNC110 - a test double
                        await asyncio.sleep(0.001)
                    latencies.append(fake.response_arrivals[request.key] - sent)
                else:
                    latencies.append(time.perf_counter() - sent)
                sent_at.append(sent)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Burst(len(latencies) / elapsed, latencies, followups, sent_at)


def _signed(fake: FakeSlack, texts: Sequence[str], tag: str, first_user: int) -> list[_Request]:
    verifier = SignatureVerifier(SIGNING_SECRET)
    stamp = str(int(time.time()))
    requests = []
    for n, text in enumerate(texts):
        key = f"command-{tag}-{n}"
        fields = command_fields(
            fake, "/signon", text, user=f"U{first_user + n:05d}", channel="CBENCH", n=n
        )
        fields["response_url"] = fake.response_url(key)
        fields["trigger_id"] = f"trigger-{key}"
        body = urlencode(fields)
        signature = verifier.generate_signature(timestamp=stamp, body=body)
        assert signature is not None
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        }
        requests.append(_Request(body.encode(), headers, key))
    return requests


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process `pid` and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def p99(latencies: list[float]) -> float:
    return sorted(latencies)[int(len(latencies) * 0.99) - 1]


def print_table(
    results: dict[str, list[Burst]], *, label: str, sign_ons: int, concurrency: int
) -> dict[str, float]:
    """Print each set-up's median rate, p50 and p99 as a Markdown table; return the rates."""
    rounds = len(next(iter(results.values())))
    print(f"{sign_ons:,} sign-ons per round, {concurrency} at a time, {rounds} rounds; medians:\n")
    print(f"| {label} | sign-ons/s | p50 latency | p99 latency |")
    print("| --- | ---: | ---: | ---: |")
    rates = {}
    for name, bursts in results.items():
        rates[name] = statistics.median(burst.rate for burst in bursts)
        p50 = statistics.median(statistics.median(burst.latencies) for burst in bursts)
        slowest = statistics.median(p99(burst.latencies) for burst in bursts)
        print(f"| {name} | {rates[name]:,.0f} | {p50 * 1000:.1f} ms | {slowest * 1000:.1f} ms |")
    return rates
