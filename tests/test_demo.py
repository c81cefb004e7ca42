"""`make demo` plays a whole drive by itself and ends with the right count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx

from tests.bot_process import ROOT


def test_the_demo_runs_to_the_end_and_prints_the_right_count(tmp_path: Path) -> None:
    output = tmp_path / "demo-output"
    done = subprocess.run(
        [sys.executable, "-m", "demo", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Signed by 102 organizations." in done.stdout
    assert "pairs went to review; the lead merges each" in done.stdout
    written = sorted(path.name for path in output.iterdir())
    assert written == [
        "letter-1-contacts.csv",
        "letter-1-sign-ons.png",
        "letter-1-signers.csv",
        "letter-1-signers.json",
        "letter-1-signers.txt",
        "letter-1.docx",
    ]
    listed = (output / "letter-1-signers.txt").read_text(encoding="utf-8").splitlines()
    assert listed[0] == "Sincerely," and len([line for line in listed[2:] if line]) == 102
    paragraphs = [p.text for p in docx.Document(str(output / "letter-1.docx")).paragraphs]
    assert "Adelante Alabama Worker Center" in paragraphs
