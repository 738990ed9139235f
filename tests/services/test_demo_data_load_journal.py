"""A first demo load into a SQLite file writes through a rollback journal, not the WAL (a
million signed sessions: one 5.8 GB transaction, which WAL mode writes twice and looks up in
an ever longer WAL index), and leaves the file in WAL mode, committed or not. A load into a
file that holds sessions, or beside another open connection, stays in WAL.

The file's own header says which journal it uses (byte 18: 1 rollback, 2 WAL), read here
while the load runs, from the progress it reports inside its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.services.test_demo_data import TODAY
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.services.demo_data import generate_demo_data

ROLLBACK, WAL = 1, 2


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Path, Database]]:
    """A new database file, migrated, no session yet; and the app's database on it."""
    path = tmp_path / "demo.sqlite3"
    database = open_database(f"sqlite:///{path}")
    yield path, database
    database.engine.dispose()


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


def _journals_during_load(
    database: Database, catalog: Catalog, path: Path, seed: int = 5
) -> set[int]:
    """The journals the file's header named each time the load reported progress."""
    seen: list[int] = []
    _load(database, catalog, lambda done, total: seen.append(_journal(path)), seed)
    assert seen, "the load reported no progress"
    return set(seen)


def _state(path: Path) -> tuple[str, str, int]:
    with sqlite3.connect(path) as connection:
        return (
            connection.execute("PRAGMA journal_mode").fetchone()[0],
            connection.execute("PRAGMA integrity_check").fetchone()[0],
            connection.execute("SELECT count(*) FROM procedure_sessions").fetchone()[0],
        )


def test_a_first_load_writes_through_a_rollback_journal_and_leaves_the_file_in_wal(
    fresh: tuple[Path, Database], catalog: Catalog
) -> None:
    path, database = fresh

    journals = _journals_during_load(database, catalog, path)

    assert journals == {ROLLBACK}
    assert _journal(path) == WAL
    assert _state(path) == ("wal", "ok", 120)


def test_a_load_into_a_file_with_sessions_stays_in_wal(
    fresh: tuple[Path, Database], catalog: Catalog
) -> None:
    path, database = fresh
    _load(database, catalog, lambda done, total: None)

    journals = _journals_during_load(database, catalog, path, seed=6)

    assert journals == {WAL}
    assert _state(path) == ("wal", "ok", 240)


def test_a_load_beside_another_open_connection_stays_in_wal(
    fresh: tuple[Path, Database], catalog: Catalog
) -> None:
    path, database = fresh
    reader = sqlite3.connect(path)  # another program with the file open
    try:
        assert reader.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (0,)

        journals = _journals_during_load(database, catalog, path)

        assert journals == {WAL}
        assert reader.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (120,)
    finally:
        reader.close()
    assert _state(path) == ("wal", "ok", 120)


def test_a_first_load_that_fails_leaves_no_session_and_the_file_in_wal(
    fresh: tuple[Path, Database], catalog: Catalog
) -> None:
    path, database = fresh

    def fail(done: int, total: int) -> None:
        raise RuntimeError("the load stops here")

    with pytest.raises(RuntimeError):
        _load(database, catalog, fail)

    assert _state(path) == ("wal", "ok", 0)
