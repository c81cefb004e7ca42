"""Reading a letter file in a process apart: the same letter as read in place, and every
way the reader can fail or be stopped answered in plain words, the reader gone."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.rules.files import Unreadable
from bot.rules.limits import READ_WALL_SECONDS
from bot.services.documents import (
    FAILED,
    TOO_BIG,
    TOO_SLOW,
    ReadLimits,
    answer,
    read_letter_apart,
)
from bot.texts.documents import Kind, read_letter
from tests.documents import (
    damaged_docx,
    docx_letter,
    docx_with_body,
    inflating_docx,
    many_paragraphs_docx,
    pdf_letter,
    xobject_bomb_pdf,
)

# For tests of what a file costs in memory and CPU time: on a machine busy with other
# tests, the reader's low priority stretches its wall-clock time.
UNHURRIED = ReadLimits(wall_seconds=60)


def children() -> list[int]:
    """This process's child processes still running (or not yet waited for)."""
    return [
        int(pid)
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    ]


async def test_a_letter_read_apart_is_the_letter_read_in_place() -> None:
    """Word, PDF and text files give the same markup across the process boundary."""
    for kind, data in (
        (Kind.DOCX, docx_letter()),
        (Kind.PDF, pdf_letter("Dear Governor,\n\nWe, the undersigned (“we”), urge you to act.")),
        (Kind.TEXT, "Dear José & all,\n\n😀 Act now.".encode()),
    ):
        assert await read_letter_apart(kind, data) == read_letter(kind, data)


async def test_a_reason_given_apart_comes_back_as_given() -> None:
    """A damaged Word file is named as damaged, as it is when read in place."""
    with pytest.raises(Unreadable, match="it is damaged inside"):
        await read_letter_apart(Kind.DOCX, damaged_docx())


async def test_a_reader_past_its_wall_clock_time_is_killed() -> None:
    """A file that keeps the reader busy is answered when the time runs out, and the
    reader doesn't outlive the answer."""
    limits = ReadLimits(cpu_seconds=60, wall_seconds=1.5)
    with pytest.raises(Unreadable) as raised:
        await read_letter_apart(Kind.PDF, xobject_bomb_pdf(), limits=limits)
    assert str(raised.value) == TOO_SLOW == "it took too long to read"
    assert children() == []


async def test_a_reader_past_its_cpu_time_is_stopped() -> None:
    """The reader's own CPU limit ends it, with the same plain reason."""
    limits = ReadLimits(cpu_seconds=1, wall_seconds=60)
    with pytest.raises(Unreadable) as raised:
        await read_letter_apart(Kind.PDF, xobject_bomb_pdf(), limits=limits)
    assert str(raised.value) == TOO_SLOW
    assert children() == []


async def test_a_reader_out_of_memory_says_so() -> None:
    """A Word file within the unpacked size that needs 300 MB to parse, read with room
    for 200 MB."""
    limits = ReadLimits(memory_bytes=200 * 2**20, wall_seconds=UNHURRIED.wall_seconds)
    with pytest.raises(Unreadable) as raised:
        await read_letter_apart(Kind.DOCX, inflating_docx(15), limits=limits)
    assert str(raised.value) == TOO_BIG == "it needs more memory than a letter should"


async def test_a_reader_that_cannot_start_is_a_failure_on_my_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Out of processes or memory to start one: the file isn't blamed."""

    async def cannot_start(*args: object, **kwargs: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(asyncio, "create_subprocess_exec", cannot_start)
    with pytest.raises(Unreadable) as raised:
        await read_letter_apart(Kind.TEXT, b"Dear all")
    assert str(raised.value) == FAILED == "something went wrong on my side while reading it"


@pytest.mark.parametrize(
    ("returncode", "output", "reason"),
    [
        (-signal.SIGXCPU, b"", TOO_SLOW),
        (-signal.SIGKILL, b"", FAILED),
        (1, b"Traceback (most recent call last):", FAILED),
        (0, b'{"markup": "Dear', FAILED),
        (0, b'{"markup": 7}', FAILED),
        (0, b"[]", FAILED),
        (0, b"", FAILED),
        (0, b'{"unreadable": "it is a password-protected PDF"}', "it is a password-protected PDF"),
        (0, b'{"out_of": "memory"}', TOO_BIG),
    ],
)
def test_however_a_reader_ends_the_answer_is_plain(
    returncode: int, output: bytes, reason: str
) -> None:
    """Stopped for CPU, crashed, killed from outside, or garbled: a reason a person can
    read, never an exception from deep inside."""
    with pytest.raises(Unreadable) as raised:
        answer(returncode, output)
    assert str(raised.value) == reason


async def test_a_pdf_whose_forms_fan_out_is_answered_within_the_time_allowed() -> None:
    """3.5 KB whose 200 pages each draw ten forms drawing ten forms … (14 minutes of
    pypdf's time page by page) get an answer within the reader's wall-clock time."""
    data = xobject_bomb_pdf()
    assert len(data) < 11_000
    started = asyncio.get_running_loop().time()
    with pytest.raises(Unreadable, match=r"took too long|more text than a letter"):
        await read_letter_apart(Kind.PDF, data)
    assert asyncio.get_running_loop().time() - started < READ_WALL_SECONDS + 1


async def test_a_word_letter_of_50000_paragraphs_is_read_whole() -> None:
    """Fifty thousand short paragraphs (300,000 characters at most) are read to the last
    within the reader's memory and CPU time; the same number of longer ones is refused
    as more text than a letter holds."""
    short = docx_with_body(b"<w:p><w:r><w:t>Yes.</w:t></w:r></w:p>" * 50_000)
    markup = await read_letter_apart(Kind.DOCX, short, limits=UNHURRIED)
    assert markup.split("\n\n") == ["Yes."] * 50_000
    with pytest.raises(Unreadable, match="more text than a letter can"):
        await read_letter_apart(Kind.DOCX, many_paragraphs_docx(50_000), limits=UNHURRIED)


async def test_a_table_merged_down_thousands_of_rows_is_read_apart() -> None:
    """A column merged down 20,000 rows (python-docx's cells search every row above
    each one) is read within the reader's memory and CPU time."""
    row = (
        b"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        b"<w:tc><w:p><w:r><w:t>Signer</w:t></w:r></w:p></w:tc></w:tr>"
    )
    first = row.replace(b"<w:vMerge/>", b'<w:vMerge w:val="restart"/>').replace(
        b"<w:p/>", b"<w:p><w:r><w:t>Signed,</w:t></w:r></w:p>"
    )
    table = docx_with_body(b"<w:tbl>" + first + row * 20_000 + b"</w:tbl>")
    markup = await read_letter_apart(Kind.DOCX, table, limits=UNHURRIED)
    assert markup.split("\n\n") == ["Signed,"] + ["Signer"] * 20_001
