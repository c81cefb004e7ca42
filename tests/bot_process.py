"""The bot as a real process (`python -m bot` in HTTP mode) for end-to-end tests that
kill it: its settings, start, SIGKILL, health check and log."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.fake_slack import TOKEN
from tests.slack_driver import SIGNING_SECRET

ROOT = Path(__file__).resolve().parent.parent


def bot_environment(*, api_url: str, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment for a bot process: none of its own Slack or database
    settings, the fake Slack's tokens and URL, a free port, and `settings` on top (a
    PORT among them chosen by the caller, for a PUBLIC_URL that names it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        PORT=str(free_port()),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class BotProcess:
    """`python -m bot` in HTTP mode (or another `module` served the same way), its
    output kept in a log file."""

    def __init__(self, *, workdir: Path, env: dict[str, str], module: str = "bot") -> None:
        self._workdir = workdir
        self.env = env
        self._module = module
        self._process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "bot.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", self._module],
                cwd=self._workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    @property
    def port(self) -> int:
        return int(self.env["PORT"])

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    async def started(self) -> float:
        """Start, and wait until the health check answers; returns how many seconds that
        took, which tests that kill and restart the bot space their schedules by."""
        began = time.monotonic()
        self.start()
        await self.wait_healthy(self.port)
        return time.monotonic() - began

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no last writes."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(10)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    async def wait_healthy(self, port: int, *, within: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        async with aiohttp.ClientSession() as session:
            while asyncio.get_running_loop().time() < deadline:
                assert self._process is not None and self._process.poll() is None, self.output()
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the bot did not start:\n" + self.output())

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
