"""Database failures are classified by the driver's codes: real SQLite errors, psycopg classes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, InvalidRequestError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from tpi_desk.models.database_faults import DatabaseFault, classify_database_error

Provoke = Callable[[Path], None]


def _table(path: Path, rows: int = 0) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT UNIQUE)")
        connection.executemany(
            "INSERT INTO notes VALUES (?)", [(f"{n:04d}" + "x" * 500,) for n in range(rows)]
        )
        connection.commit()


def _busy(path: Path) -> None:
    """Another connection is inside BEGIN EXCLUSIVE; this one may not even read."""
    _table(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with closing(sqlite3.connect(path, timeout=0)) as late:
            late.execute("SELECT * FROM notes").fetchall()


def _table_locked(path: Path) -> None:
    """Shared cache: a table another connection is writing is locked (SQLITE_LOCKED)."""
    uri = f"file:{path.name}?mode=memory&cache=shared"
    with closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as writer:
        writer.execute("CREATE TABLE notes (body TEXT)")
        writer.execute("BEGIN")
        writer.execute("INSERT INTO notes VALUES ('typed')")
        with closing(sqlite3.connect(uri, uri=True)) as reader:
            reader.execute("SELECT * FROM notes").fetchall()


def _opened_read_only(path: Path) -> None:
    _table(path)
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as reader:
        reader.execute("INSERT INTO notes VALUES ('typed')")


def _query_only(path: Path) -> None:
    _table(path)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA query_only = ON")
        connection.execute("INSERT INTO notes VALUES ('typed')")


def _full(path: Path) -> None:
    """SQLITE_FULL for real: the file may not grow past its page limit."""
    _table(path)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA max_page_count = 3")
        for n in range(100):
            connection.execute("INSERT INTO notes VALUES (?)", (f"{n}" + "x" * 1000,))


def _corrupt(path: Path) -> None:
    """Every page but the first (the header and the schema) overwritten."""
    _table(path, rows=200)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * (size - 4096))
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("SELECT count(*), sum(length(body)) FROM notes").fetchall()


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"Patient list, not a database. " * 200)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("SELECT * FROM sqlite_master").fetchall()


def _cannot_open(path: Path) -> None:
    missing = path.parent / "no such folder" / "clinic.sqlite3"
    sqlite3.connect(f"{missing.as_uri()}?mode=ro", uri=True)


def _duplicate(path: Path) -> None:
    _table(path, rows=1)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("INSERT INTO notes VALUES (?)", ("0000" + "x" * 500,))


def _misspelt(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("SELEC 1")


REAL_SQLITE_FAILURES: list[tuple[Provoke, str, DatabaseFault]] = [
    (_busy, "SQLITE_BUSY", DatabaseFault.BUSY),
    (_table_locked, "SQLITE_LOCKED_SHAREDCACHE", DatabaseFault.BUSY),
    (_opened_read_only, "SQLITE_READONLY", DatabaseFault.READ_ONLY),
    (_query_only, "SQLITE_READONLY", DatabaseFault.READ_ONLY),
    (_full, "SQLITE_FULL", DatabaseFault.FULL),
    (_corrupt, "SQLITE_CORRUPT", DatabaseFault.CORRUPT),
    (_not_a_database, "SQLITE_NOTADB", DatabaseFault.NOT_A_DATABASE),
    (_cannot_open, "SQLITE_CANTOPEN", DatabaseFault.UNREACHABLE),
    (_duplicate, "SQLITE_CONSTRAINT_UNIQUE", DatabaseFault.REFUSED),
    (_misspelt, "SQLITE_ERROR", DatabaseFault.UNREACHABLE),  # no code: an OperationalError
]


def _raised(provoke: Provoke, path: Path) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        provoke(path)
    return raised.value


@pytest.mark.parametrize(
    ("provoke", "error_name", "fault"),
    REAL_SQLITE_FAILURES,
    ids=[provoke.__name__.strip("_") for provoke, _, _ in REAL_SQLITE_FAILURES],
)
def test_a_real_sqlite_failure_is_classified_by_its_code(
    tmp_path: Path, provoke: Provoke, error_name: str, fault: DatabaseFault
) -> None:
    error = _raised(provoke, tmp_path / "clinic.sqlite3")

    assert error.sqlite_errorname == error_name
    assert classify_database_error(error) is fault


def _through_sqlalchemy(url: str, statement: str) -> DBAPIError:
    engine = create_engine(url, connect_args={"timeout": 0})
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(text(statement)).all()
    finally:
        engine.dispose()
    return raised.value


def test_sqlalchemy_errors_are_classified_by_the_driver_error_inside(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    _table(path, rows=1)
    read_only_url = f"sqlite:///file:{path}?mode=ro&uri=true"

    duplicate = _through_sqlalchemy(f"sqlite:///{path}", "INSERT INTO notes SELECT body FROM notes")
    read_only = _through_sqlalchemy(read_only_url, "DELETE FROM notes RETURNING body")
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        busy = _through_sqlalchemy(f"sqlite:///{path}", "SELECT * FROM notes")

    assert classify_database_error(duplicate) is DatabaseFault.REFUSED
    assert classify_database_error(read_only) is DatabaseFault.READ_ONLY
    assert classify_database_error(busy) is DatabaseFault.BUSY


@pytest.mark.parametrize(
    ("extended_code", "fault"),
    [
        (266, DatabaseFault.UNREACHABLE),  # SQLITE_IOERR_READ: a failing disk
        (1544, DatabaseFault.READ_ONLY),  # SQLITE_READONLY_DIRECTORY
        (517, DatabaseFault.BUSY),  # SQLITE_BUSY_SNAPSHOT
        (779, DatabaseFault.CORRUPT),  # SQLITE_CORRUPT_INDEX
    ],
)
def test_extended_codes_that_are_hard_to_provoke_count_as_their_primary_code(
    extended_code: int, fault: DatabaseFault
) -> None:
    error = sqlite3.DatabaseError("words that are never read")
    error.sqlite_errorcode = extended_code

    assert classify_database_error(error) is fault


def test_not_a_driver_error() -> None:
    stale = StaleDataError("UPDATE statement on table 'procedure_sessions' matched 0 rows")

    assert classify_database_error(stale) is DatabaseFault.CONFLICT
    assert classify_database_error(InvalidRequestError("no such column")) is DatabaseFault.OTHER
    assert classify_database_error(SQLAlchemyError("database is locked")) is DatabaseFault.OTHER


def test_a_lost_connection_that_is_not_an_operational_error() -> None:
    closed = sqlite3.InterfaceError("connection already closed")
    lost = DBAPIError("SELECT 1", None, closed, connection_invalidated=True)
    refused = DBAPIError("SELECT 1", None, closed)

    assert classify_database_error(lost) is DatabaseFault.CONNECTION_LOST
    assert classify_database_error(refused) is DatabaseFault.REFUSED


POSTGRES_CODES: list[tuple[str, DatabaseFault]] = [
    ("40001", DatabaseFault.CONFLICT),  # SerializationFailure
    ("40P01", DatabaseFault.BUSY),  # DeadlockDetected
    ("55P03", DatabaseFault.BUSY),  # LockNotAvailable
    ("57014", DatabaseFault.BUSY),  # QueryCanceled
    ("53100", DatabaseFault.FULL),  # DiskFull
    ("53300", DatabaseFault.UNREACHABLE),  # TooManyConnections
    ("08006", DatabaseFault.UNREACHABLE),  # ConnectionFailure
    ("08001", DatabaseFault.UNREACHABLE),  # SqlclientUnableToEstablishSqlconnection
    ("28P01", DatabaseFault.UNREACHABLE),  # InvalidPassword
    ("3D000", DatabaseFault.UNREACHABLE),  # InvalidCatalogName
    ("57P01", DatabaseFault.UNREACHABLE),  # AdminShutdown
    ("25006", DatabaseFault.READ_ONLY),  # ReadOnlySqlTransaction
    ("42501", DatabaseFault.READ_ONLY),  # InsufficientPrivilege
    ("23505", DatabaseFault.REFUSED),  # UniqueViolation
    ("23503", DatabaseFault.REFUSED),  # ForeignKeyViolation
    ("22003", DatabaseFault.REFUSED),  # NumericValueOutOfRange: by type, a DataError
    ("XX000", DatabaseFault.REFUSED),  # InternalError_: by type
]


@pytest.mark.parametrize(("sqlstate", "fault"), POSTGRES_CODES)
def test_a_postgres_error_is_classified_by_its_sqlstate(
    sqlstate: str, fault: DatabaseFault
) -> None:
    psycopg = pytest.importorskip("psycopg")
    driver_error = psycopg.errors.lookup(sqlstate)("words that are never read")
    wrapped = DBAPIError.instance(
        "UPDATE procedure_sessions SET version = 2", None, driver_error, psycopg.Error
    )

    assert driver_error.sqlstate == sqlstate
    assert isinstance(wrapped, DBAPIError) and wrapped.orig is driver_error
    assert classify_database_error(wrapped) is fault
