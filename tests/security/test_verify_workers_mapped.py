"""Issue 13, verify at speed: a verify worker reads a SQLite database through a memory map
(the two workers otherwise spend CPU copying pages); the side-by-side checks give the
same findings as this process's (tests/security/test_note_text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from tpi_desk.models.database import open_database
from tpi_desk.services.integrity import chunk_runner


def test_a_verify_worker_maps_the_sqlite_file_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mapped.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    worker: dict[str, object] = {}
    monkeypatch.setattr(chunk_runner, "_worker", worker)

    chunk_runner._start(f"sqlite:///{path}")  # as each worker process starts

    sessions = worker["sessions"]
    assert isinstance(sessions, sessionmaker)
    with sessions() as db:
        mapped = db.connection().exec_driver_sql("PRAGMA mmap_size").scalar()
        sessions.kw["bind"].dispose()
    assert isinstance(mapped, int) and mapped > 0
