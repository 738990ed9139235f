"""Real SQLite failures inside a unit of work become plain, typed errors (no driver text)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from tpi_desk.services.errors import ConflictError, DatabaseUnavailable, UserError
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

Statement = Callable[[Connection], object]


def _insert_until_full(connection: Connection) -> None:
    connection.exec_driver_sql("PRAGMA max_page_count = 3")
    for n in range(100):
        connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": f"{n}" + "x" * 999})


CASES: list[tuple[str, str, Statement, str]] = [
    (
        "busy",
        "",
        lambda connection: connection.execute(text("SELECT * FROM notes")).all(),
        "Could not save the draft: another workstation or program kept the database busy. "
        "Nothing was saved; try again in a moment.",
    ),
    (
        "read-only",
        "?mode=ro&uri=true",
        lambda connection: connection.execute(text("DELETE FROM notes")),
        "Could not save the draft: the database is read-only. Ask the clinic admin.",
    ),
    (
        "full",
        "",
        _insert_until_full,
        "Could not save the draft: the disk is full. Free some space; nothing was saved.",
    ),
    (
        "not-a-database",
        "",
        lambda connection: connection.execute(text("SELECT * FROM sqlite_master")).all(),
        "Could not save the draft: the database file is damaged. Nothing was saved; ask the "
        "clinic admin to restore the latest backup (tpi-desk restore).",
    ),
    (
        "refused",
        "",
        lambda connection: connection.execute(text("INSERT INTO notes SELECT body FROM notes")),
        "Could not save the draft: the database refused the change. Nothing was saved.",
    ),
    (
        "cannot-open",
        "?mode=ro&uri=true",
        lambda connection: connection.execute(text("SELECT 1")),
        "Could not save the draft: the database could not be reached or read. "
        "Nothing was saved; try again or ask the clinic admin.",
    ),
]


def _prepare(case: str, path: Path) -> None:
    if case == "not-a-database":
        path.write_bytes(b"Patient list, not a database. " * 200)
    elif case != "cannot-open":
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("CREATE TABLE notes (body TEXT UNIQUE)")
            connection.execute("INSERT INTO notes VALUES ('Trapezius, left')")
            connection.commit()


@pytest.mark.parametrize(
    ("case", "query", "statement", "message"), CASES, ids=[case[0] for case in CASES]
)
def test_a_real_failure_is_named_in_plain_words(
    tmp_path: Path, case: str, query: str, statement: Statement, message: str
) -> None:
    path = tmp_path / "clinic.sqlite3"
    _prepare(case, path)
    engine = create_engine(f"sqlite:///{'file:' if query else ''}{path}{query}")
    holder = sqlite3.connect(path, isolation_level=None) if case == "busy" else None
    if holder is not None:
        holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(DatabaseUnavailable) as raised,
            database_errors_as_user_errors("save the draft"),
            engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        ):
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            statement(connection)
    finally:
        engine.dispose()
        if holder is not None:
            holder.close()

    assert raised.value.message == message
    assert isinstance(raised.value.__cause__, DBAPIError)


def test_a_record_saved_elsewhere_is_a_conflict() -> None:
    with (
        pytest.raises(ConflictError) as raised,
        database_errors_as_user_errors("save the draft"),
    ):
        raise StaleDataError("UPDATE statement on table 'procedure_sessions' matched 0 rows")

    assert raised.value.message == (
        "Could not save the draft: someone else saved this record after you opened it. "
        "Nothing was overwritten; reopen it to see their changes."
    )


def test_errors_that_are_not_the_database_pass_through() -> None:
    with pytest.raises(UserError, match=r"^Type a name$"), database_errors_as_user_errors("save"):
        raise UserError("Type a name")
