"""Issue 13: read-only commands work while another process writes (WAL, short busy timeout).

Another process holds a write transaction open (``BEGIN IMMEDIATE`` and an uncommitted
insert) on a real SQLite file. `tpi-desk verify`, `users list` and `export` still answer with
exit status 0; their own audit entry waits for the writer. When the writer keeps the lock
past the busy timeout, verify still prints its result, then a plain note, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tpi_desk.cli import main
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import open_database
from tpi_desk.services.demo_data import generate_demo_data

ADMIN_PASSWORD = "admin password 1"
# The holder's uncommitted row: a table of its own, so nothing of the app's is touched.
HOLDER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("CREATE TABLE holder_scratch (x)")
c.execute("INSERT INTO holder_scratch VALUES (1)")
print("locked", flush=True)
if float(sys.argv[2]) > 0:
    time.sleep(float(sys.argv[2]))
else:
    sys.stdin.readline()
c.execute("ROLLBACK")
"""


@pytest.fixture
def clinic(tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clinic file with signed synthetic notes and an administrator, closed."""
    for name in ("TPI_DESK_USER", "TPI_DESK_PASSWORD_FILE", "TPI_DESK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "clinic.sqlite3"
    database = open_database(f"sqlite:///{path}")
    generate_demo_data(database.engine, catalog, patients=5, sessions=12, seed=3)
    database.dispose()
    with Desk.open(f"sqlite:///{path}") as desk:
        desk.users.add_user("ada.admin", "Ada Admin", ADMIN_PASSWORD, role=Role.ADMIN, actor=None)
    return path


@contextmanager
def writer(path: Path, *, seconds: float = 0) -> Iterator[subprocess.Popen[str]]:
    """Another process inside a write transaction: for ``seconds``, or until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0


def run(path: Path, tmp_path: Path, *command: str) -> int:
    password = tmp_path / "password"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    operator = ["--user", "ada.admin", "--password-file", str(password)]
    return main(["--database", f"sqlite:///{path}", *operator, *command])


def command_entries(path: Path) -> int:
    with Desk.open(f"sqlite:///{path}") as desk, desk.database.session_factory() as db:
        query = select(func.count()).where(AuditEvent.action.in_(("command", "verify")))
        return int(db.scalar(query) or 0)


COMMANDS = {
    "verify": (("verify",), "Intact: "),
    "users list": (("users", "list"), "ada.admin"),
    "export": (
        ("export", "--from", "2000-01-01", "--to", "2099-12-31", "--csv", "{out}"),
        "signed notes from 2000-01-01",
    ),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_read_only_command_answers_while_another_process_writes(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    arguments, expected = COMMANDS[name]
    out = tmp_path / "claims.csv"
    entries_before = command_entries(clinic)

    with writer(clinic, seconds=2):
        status = run(clinic, tmp_path, *(a.format(out=out) for a in arguments))

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert expected in captured.out
    assert "Traceback" not in captured.err
    assert "note:" not in captured.err  # the writer let go within the busy timeout
    assert command_entries(clinic) == entries_before + 1  # the run is audited after all
    if name == "export":
        assert out.read_text(encoding="utf-8").count("\n") > 1


def test_verify_prints_its_result_and_a_note_when_the_writer_outlasts_the_timeout(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries_before = command_entries(clinic)

    with writer(clinic):  # held until verify has answered
        status = run(clinic, tmp_path, "verify")
        captured = capsys.readouterr()

    assert status == 0, captured.err
    assert captured.out.startswith("Intact: ")
    assert "could not be recorded in the audit trail" in captured.err
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    assert command_entries(clinic) == entries_before
