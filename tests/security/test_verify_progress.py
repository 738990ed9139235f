"""`tpi-desk verify` shows how far it is on a terminal, and nothing when not on one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.commands.progress import TerminalProgress
from tpi_desk.commands.verify import run_verify
from tpi_desk.models.database import open_database
from tpi_desk.services.demo_data import generate_demo_data


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clinic(tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    database = open_database(url)
    generate_demo_data(database.engine, catalog, patients=3, sessions=8, seed=5)
    database.dispose()
    return url


def test_on_a_terminal_the_bar_counts_the_signatures_and_audit_entries(clinic: str) -> None:
    stdout, stderr = io.StringIO(), Terminal()

    status = run_verify(clinic, stdout=stdout, stderr=stderr)

    assert status == 0
    signatures = stdout.getvalue().removeprefix("Intact: ").split(" signatures")[0]
    bar = stderr.getvalue()
    assert f"\rChecking signatures {signatures} / {signatures}  100%" in bar
    assert "\rChecking audit entries " in bar
    assert bar.endswith("\r") and bar.split("\r")[-2].strip() == ""  # the line is cleared
    assert "\n" not in bar


@pytest.mark.parametrize("terminal", [False, True], ids=["not-a-terminal", "quiet"])
def test_no_bar_off_a_terminal_or_when_quiet(clinic: str, terminal: bool) -> None:
    stdout = io.StringIO()
    stderr = Terminal() if terminal else io.StringIO()

    status = run_verify(clinic, stdout=stdout, stderr=stderr, quiet=terminal)

    assert status == 0
    assert stdout.getvalue().startswith("Intact: ")
    assert stderr.getvalue() == ""


def test_the_bar_is_redrawn_a_few_times_a_second_at_most_and_always_at_the_end() -> None:
    now = [0.0]
    stream = Terminal()
    progress = TerminalProgress(stream, clock=lambda: now[0])

    for done in range(0, 1_000_001, 1_000):
        now[0] += 0.001
        progress("Checking signatures", done, 1_000_000)
    progress.close()

    lines = [line for line in stream.getvalue().split("\r") if line.strip()]
    assert 5 <= len(lines) <= 6  # one second of work: first, every 0.2 s, and the last
    assert lines[0].startswith("Checking signatures 0 / 1,000,000  0%")
    assert lines[-1] == "Checking signatures 1,000,000 / 1,000,000  100%"
