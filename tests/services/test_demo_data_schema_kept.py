"""A demo load into an empty SQLite database builds the loaded tables' plain indexes after
its rows and sets their insert guards again after them (a million sessions: 105 s -> about
65 s); what it leaves is the schema a migrated database has, guards working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.services.test_demo_data import generate
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import open_database

SCHEMA = (
    "SELECT type, name, sql FROM sqlite_master "
    "WHERE sql IS NOT NULL AND type IN ('index', 'trigger') ORDER BY type, name"
)


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(SCHEMA).fetchall()


def test_the_load_leaves_every_index_and_trigger_as_a_migrated_database_has_them(
    tmp_path: Path, catalog: Catalog
) -> None:
    empty, loaded = tmp_path / "empty.sqlite3", tmp_path / "loaded.sqlite3"
    open_database(f"sqlite:///{empty}").engine.dispose()
    database = open_database(f"sqlite:///{loaded}")
    generate(database, catalog, patients=20, sessions=200)
    database.engine.dispose()

    assert _schema(loaded) == _schema(empty)
    with sqlite3.connect(loaded) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The planner uses the rebuilt indexes.
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM medication_lines WHERE site_id = 1"
        ).fetchall()
        assert "ix_medication_lines_site_id" in str(plan)


def test_after_the_load_a_site_slipped_into_a_signed_note_is_still_refused(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "loaded.sqlite3"
    database = open_database(f"sqlite:///{path}")
    generate(database, catalog, patients=20, sessions=200)
    database.engine.dispose()

    with sqlite3.connect(path) as connection:
        signed = connection.execute(
            "SELECT id FROM procedure_sessions WHERE status = 'signed' LIMIT 1"
        ).fetchone()[0]
        columns = [row[1] for row in connection.execute("PRAGMA table_info(injection_sites)")]
        copied = ", ".join(column for column in columns if column not in ("id", "session_id"))
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute(
                f"INSERT INTO injection_sites (session_id, {copied}) "
                f"SELECT ?, {copied} FROM injection_sites LIMIT 1",
                (signed,),
            )


def test_a_second_load_keeps_the_indexes_it_finds(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "loaded.sqlite3"
    database = open_database(f"sqlite:///{path}")
    generate(database, catalog, patients=10, sessions=50)
    before = _schema(path)
    generate(database, catalog, patients=10, sessions=50, seed=6)
    database.engine.dispose()

    assert _schema(path) == before
