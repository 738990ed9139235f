"""Issue 13, item 8: the error paths of export and verify end in a plain message and an exit
status, never a traceback: a disk that fills while an export is closed, an audit row that
could never have been written by the app."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tpi_desk.cli import main
from tpi_desk.models.database import Database, open_database
from tpi_desk.paths import DATA_DIR_ENV
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.verification import VerificationService

REPO = Path(__file__).resolve().parents[2]

# A child process whose files may not grow past 16 KiB: each write beyond fails as on a full
# disk (EFBIG instead of ENOSPC), including the flush when an open export file is closed.
_EXPORT_WITH_A_SMALL_DISK = """
import resource, signal, sys
from dataclasses import replace
from pathlib import Path
from tpi_desk.reports import sample_notes
from tpi_desk.reports.batch_export import ExportError, export_batch

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
note = sample_notes.many_sites_note(30)
notes = [replace(note, session_id=str(number)) for number in range(40)]
resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, 16_384))
out = Path(sys.argv[1])
try:
    export_batch(notes, json_path=out / "notes.json", csv_path=out / "claims.csv")
except ExportError as error:
    print("refused:", error.message)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_an_export_that_runs_out_of_space_is_refused_plainly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_WITH_A_SMALL_DISK, str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("refused: Cannot write ")
    assert "file too large" in done.stdout.lower()
    assert list(out.iterdir()) == []  # nothing half-written is left behind


@pytest.fixture
def unreadable_audit_row(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A migrated database with an audit row whose date is no date (as a raw edit leaves)."""
    path = tmp_path / "forged.sqlite3"
    path.write_bytes(migrated_sqlite_template.read_bytes())
    plain = sqlite3.connect(path)
    try:
        plain.execute(
            "INSERT INTO audit_events (id, occurred_at, action, record_type, record_id, detail,"
            " prev_hash, hash, sequence, actor_name) VALUES (9001, 'not a date', 'export',"
            " 'session', 1, 'x', 'aa', 'bb', 1, 'someone')"
        )
        plain.commit()
    finally:
        plain.close()
    return f"sqlite:///{path}"


def test_verify_names_an_unreadable_row_instead_of_crashing(unreadable_audit_row: str) -> None:
    database: Database = open_database(unreadable_audit_row, upgrade=False)
    try:
        verification = VerificationService(database.session_factory)
        with pytest.raises(UserError) as refused:
            verification.verify(record=False)
    finally:
        database.engine.dispose()
    assert str(refused.value) == (
        "Cannot verify the records: a stored value cannot be read (Invalid isoformat string: "
        "'not a date'). The database was changed outside the app; restore a backup or ask "
        "support."
    )


def test_tpi_desk_verify_exits_1_with_the_message(
    unreadable_audit_row: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    previous = os.umask(0o022)  # `main` sets the app's umask; give the test run its own back
    try:
        status = main(["--database", unreadable_audit_row, "verify"])
    finally:
        os.umask(previous)

    out, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("tpi-desk: Cannot verify the records: a stored value cannot be read")
    assert "Traceback" not in out + err
    assert not (tmp_path / "data" / "logs" / "crash.log").exists()
