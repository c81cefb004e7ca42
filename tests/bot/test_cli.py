"""The command line: `undersigned letters` reads the database; no tokens needed."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli import main
from bot.rules.letters import NewLetter
from bot.rules.schedule import Plan
from bot.slack.letters import publish_letter
from bot.storage import Store
from tests.conftest import FIXTURES, ZONE
from tests.fake_slack import TOKEN, FakeSlack

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)

# main() runs and closes its own event loop. When a database can't be opened, aiosqlite's
# worker thread reports the failure after that loop is gone; a real process has exited
# by then, but pytest's process lives on and reports the thread at a later test.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> str:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    url = database_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TIMEZONE", "America/New_York")
    return url


def test_letters_are_listed_one_per_line_id_first(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line: id, status, deadline, channels, title — tab-separated for scripts."""
    asyncio.run(_two_letters(database))
    assert main(["letters"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "2\topen\t2026-11-24 10:00 EST\tC1,C2\tFirst",
        "1\tclosed\t2026-12-01 10:00 EST\tC1,C2\tSecond",
    ]


def test_an_unusable_database_is_explained(
    monkeypatch: pytest.MonkeyPatch, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that can't be opened gets a short message and exit code 2."""
    monkeypatch.setenv("DATABASE_URL", "sqlite:////no/such/folder/drives.db")
    assert main(["letters"]) == 2
    assert "can't use the database" in capsys.readouterr().err


async def _two_letters(database: str) -> None:
    async with Store(database) as store:
        for title, days in (("Second", 9), ("First", 2)):
            await store.letters.create(
                NewLetter(
                    title=title,
                    addressee="A",
                    body="B",
                    deadline=NOW + timedelta(days=days),
                    channels=("C1", "C2"),
                    leads=(),
                    goal=None,
                    created_by="U1",
                ),
                plan=Plan(NOW + timedelta(days=days), ()),
                now=NOW,
            )
        await store.letters.close_now(1, now=NOW)


def test_importing_the_fixture_twice_gives_102_signers(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`undersigned import` runs rows through dedupe; the second import adds nothing."""
    asyncio.run(_two_letters(database))
    path = str(FIXTURES / "google-forms-signons-2021-enforcement-reform.csv")
    assert main(["import", "2", path]) == 0
    assert "102 new signers" in capsys.readouterr().out
    assert main(["import", "2", path]) == 0
    second = capsys.readouterr().out
    assert "0 new signers" in second and "102 imported before" in second
    assert "now has 102 signers" in second
    assert main(["export", "2", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["count"] == 102 == len(document["signers"])


def test_export_prints_text_csv_and_json(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each format goes to standard output; the text list is alphabetized."""
    asyncio.run(_two_letters(database))
    path = str(FIXTURES / "google-forms-signons-2021-enforcement-reform.csv")
    main(["import", "2", path])
    capsys.readouterr()
    assert main(["export", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "Sincerely,",
        "",
        "Adelante Alabama Worker Center",
        "Advancement Project, National Office",
    ]
    assert "The Advocates for Human Rights" in lines[4:7]
    assert main(["export", "2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("name,kind,affiliation,city,state")
    assert main(["export", "2", "--format", "contacts-csv"]) == 0
    contacts = capsys.readouterr().out.splitlines()
    assert contacts[0].startswith("contact_name,contact_title,email,slack_user,signed_for")
    assert len(contacts) == 1 + 102  # a row per contact: one each here
    assert main(["export", "2", "--list-format", "by-state", "--closing", "Signed,"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["Signed,", "", "No state given"]
    assert main(["export", "2", "--format", "headline"]) == 0
    headline = capsys.readouterr().out
    assert headline == "Signed by 102 organizations.\n"
    assert main(["export", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["headline"] == headline.strip()


def test_an_export_to_a_file_is_its_owners_alone_and_never_follows_a_link(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o FILE` writes a file only its owner can read, also over a file that was
    readable by all; a symbolic link at that path is refused, its target untouched."""
    asyncio.run(_two_letters(database))
    out = tmp_path / "signers.csv"
    out.write_text("old")
    out.chmod(0o644)
    assert main(["export", "2", "--format", "csv", "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text().startswith("name,")
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert main(["export", "2", "--format", "csv", "-o", str(link)]) == 2
    assert "symbolic link" in capsys.readouterr().err and target.read_text() == "keep me"


def test_import_problems_are_explained(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file, a file without a name column, or an unknown letter: exit 2 and why."""
    asyncio.run(_two_letters(database))
    assert main(["import", "2", str(tmp_path / "missing.csv")]) == 2
    (tmp_path / "odd.csv").write_text("Timestamp,Email\n1,2\n")
    assert main(["import", "2", str(tmp_path / "odd.csv")]) == 2
    assert main(["export", "9"]) == 2
    errors = capsys.readouterr().err
    assert "Can't read" in errors and "Organization Name" in errors and "no letter 9" in errors


async def test_the_roster_is_imported_and_imported_again_without_duplicates(
    database: str,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Emails are looked up in Slack when a bot token is set; a second import of the
    same file adds nothing; the JSON export then lists who hasn't signed. (The command
    runs its own event loop: in a thread, so the fake Slack's keeps answering.)"""
    fake_slack.add_user("UCASA", name="casa", real_name="Cas Casa", email="lead@casa.org")
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Organization,State,Slack ID,Email\n"
        "CASA,MD,,lead@casa.org\n"
        "CHIRLA,CA,U02BBB,\n"
        ",NY,U03,\n"
        "Make the Road New York,NY,,nobody@mrny.org\n",
        encoding="utf-8",
    )
    assert await asyncio.to_thread(main, ["roster", "import", str(roster)]) == 0
    out, err = capsys.readouterr()
    assert "Roster imported: 3 added, 0 updated, 0 unchanged" in out
    assert "Line 4 skipped: it has no organization name." in err
    assert "No Slack account found for nobody@mrny.org" in err
    assert await asyncio.to_thread(main, ["roster", "import", str(roster)]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out

    await asyncio.to_thread(asyncio.run, _two_letters(database))
    assert await asyncio.to_thread(main, ["export", "2", "--format", "json"]) == 0
    not_signed = json.loads(capsys.readouterr().out)["not_signed"]
    assert [(m["name"], m["state"]) for m in not_signed] == [
        ("CASA", "MD"),
        ("CHIRLA", "CA"),
        ("Make the Road New York", "NY"),
    ]
    assert not_signed[0]["contacts"] == [
        {"name": None, "email": "lead@casa.org", "slack_user": "UCASA"}
    ]


def test_an_unreadable_roster_is_explained(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("Email\nx@y.org\n", encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 2
    assert "I couldn't find an “Organization”" in capsys.readouterr().err
    assert main(["roster", "import", str(tmp_path / "missing.csv")]) == 2
    assert "Can't read" in capsys.readouterr().err


def test_the_letter_is_written_as_a_word_document(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--format docx -o FILE`: the document opens again with python-docx."""
    asyncio.run(_two_letters(database))
    main(["import", "2", str(FIXTURES / "google-forms-signons-2021-enforcement-reform.csv")])
    capsys.readouterr()
    out = tmp_path / "letter.docx"
    assert main(["export", "2", "--format", "docx", "-o", str(out)]) == 0
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert text[0] == "First" and "Sincerely," in text
    assert text[text.index("Sincerely,") + 1] == "Adelante Alabama Worker Center"
    assert main(["export", "2", "--format", "docx", "-o", str(tmp_path / "no" / "x.docx")]) == 2
    assert "Can't write" in capsys.readouterr().err


async def test_an_import_brings_the_posted_count_up_to_date(
    database: str,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With a bot token, the count line under each posted copy follows the import."""
    fake_slack.add_channel("C1", bot_member=True)
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    async with Store(database) as store:
        deadline = NOW + timedelta(days=30)
        new = NewLetter(
            title="Posted",
            addressee="To",
            body="Text",
            deadline=deadline,
            channels=("C1",),
            leads=(),
            goal=None,
            created_by="U1",
        )
        letter = await store.letters.create(
            new, plan=Plan(deadline=deadline, reminders=()), now=NOW
        )
        await publish_letter(client, store, letter, count=0, zone=ZONE)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    path = str(FIXTURES / "google-forms-signons-2021-enforcement-reform.csv")
    assert await asyncio.to_thread(main, ["import", str(letter.id), path]) == 0
    assert "The count shown under the letter is updated in 1 channel." in capsys.readouterr().out
    (update,) = fake_slack.calls_to("chat.update")
    assert "*102* signed" in str(update.args["blocks"])
