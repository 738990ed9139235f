"""A first demo load into a SQLite file writes through a rollback journal, not the WAL (a
million signed sessions: one 5.8 GB transaction, which WAL mode writes twice and looks up in
an ever longer WAL index), and leaves the file in WAL mode, committed or not. A load into a
file that holds sessions, or beside another open connection, stays in WAL.

The file's own header says which journal it uses (byte 18: 1 rollback, 2 WAL), read here
while the load runs, from the progress it reports inside its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.services.test_demo_data import TODAY
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.services.demo_data import generate_demo_data

ROLLBACK, WAL = 1, 2


def _journal(path: Path) -> int:
    with path.open("rb") as file:
        return file.read(20)[18]


def _load(
    database: Database, catalog: Catalog, progress: Callable[[int, int], None], seed: int = 5
) -> None:
    generate_demo_data(
        database.engine, catalog, patients=10, sessions=120, seed=seed, today=TODAY,
        progress=progress,
    )  # fmt: skip


def _state(path: Path) -> tuple[str, str, int]:
    with sqlite3.connect(path) as connection:
        return (
            connection.execute("PRAGMA journal_mode").fetchone()[0],
            connection.execute("PRAGMA integrity_check").fetchone()[0],
            connection.execute("SELECT count(*) FROM procedure_sessions").fetchone()[0],
        )


def test_a_first_load_writes_through_a_rollback_journal_and_leaves_the_file_in_wal(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "first.sqlite3"
    database = open_database(f"sqlite:///{path}")
    seen: list[int] = []

    _load(database, catalog, lambda done, total: seen.append(_journal(path)))
    database.engine.dispose()

    assert seen and set(seen) == {ROLLBACK}
    assert _journal(path) == WAL
    assert _state(path) == ("wal", "ok", 120)


def test_a_load_into_a_file_with_sessions_stays_in_wal(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "second.sqlite3"
    database = open_database(f"sqlite:///{path}")
    _load(database, catalog, lambda done, total: None)
    seen: list[int] = []

    _load(database, catalog, lambda done, total: seen.append(_journal(path)), seed=6)
    database.engine.dispose()

    assert seen and set(seen) == {WAL}
    assert _state(path) == ("wal", "ok", 240)


def test_a_load_beside_another_open_connection_stays_in_wal(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "shared.sqlite3"
    database = open_database(f"sqlite:///{path}")
    reader = sqlite3.connect(path)  # another program with the file open
    try:
        assert reader.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (0,)
        seen: list[int] = []

        _load(database, catalog, lambda done, total: seen.append(_journal(path)))

        assert seen and set(seen) == {WAL}
        assert reader.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (120,)
    finally:
        reader.close()
        database.engine.dispose()
    assert _state(path) == ("wal", "ok", 120)


def test_a_first_load_that_fails_leaves_no_session_and_the_file_in_wal(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "failed.sqlite3"
    database = open_database(f"sqlite:///{path}")

    def fail(done: int, total: int) -> None:
        raise RuntimeError("the load stops here")

    with pytest.raises(RuntimeError):
        _load(database, catalog, fail)
    database.engine.dispose()

    assert _state(path) == ("wal", "ok", 0)
