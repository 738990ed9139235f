"""Engine factory (durable SQLite settings, or pooled PostgreSQL) and write units of work.

SQLite transactions: Python's sqlite3 driver only emits BEGIN before INSERT/UPDATE/DELETE,
so plain SELECTs and DDL would run outside any transaction (no snapshot for reads, migrations
half-applied on error). As the SQLAlchemy docs recommend, we switch the driver's own
transaction handling off and emit BEGIN ourselves when SQLAlchemy begins a transaction.
That BEGIN is DEFERRED unless the connection asks for ``BEGIN IMMEDIATE`` with the execution
option ``sqlite_begin="IMMEDIATE"``. A DEFERRED transaction that reads, then writes after
another process committed, fails with "database is locked" (its snapshot is stale) instead
of waiting; so every write unit of work begins IMMEDIATE (``UnitOfWorkSession`` below, and
the migration runner) and queues behind the current writer for up to the busy timeout, while
reads stay DEFERRED and, with WAL, never wait for a writer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, SessionTransaction

from tpi_desk.clinical.private_files import PRIVATE_FOLDER_MODE, make_database_private

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_BEGIN_OPTION = "sqlite_begin"

# Durable commits: WAL with synchronous=NORMAL can lose the last commits on power loss;
# FULL syncs the WAL on every commit, so a save the app acknowledged survives.
_SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
)


def normalize_url(url: str | URL) -> URL:
    """Parse ``url``; plain ``postgresql://`` (or ``postgres://``) URLs use psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_database_engine(url: str | URL) -> Engine:
    """An engine for ``url``: SQLite files get their folder and pragmas, PostgreSQL a pool."""
    parsed = normalize_url(url)
    if is_sqlite(parsed):
        return _create_sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _create_sqlite_engine(url: URL) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _configure_sqlite_connection)
    if path is not None:
        # The database, its WAL and shared memory hold PHI: the owner's only (issue 13),
        # also when they were created before this rule or by a process without our umask.
        event.listen(engine, "connect", lambda *_: make_database_private(path))
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module docstring
    for pragma in _SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma)


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
        raise ValueError(f"unknown SQLite transaction mode {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


# How a write unit of work begins, per dialect (see UnitOfWorkSession).
_WRITE_OPTIONS: dict[str, dict[str, str]] = {
    "sqlite": {SQLITE_BEGIN_OPTION: "IMMEDIATE"},
    "postgresql": {"isolation_level": "REPEATABLE READ"},
}


class UnitOfWorkSession(Session):
    """A Session whose explicit ``begin()`` is a write unit of work that cannot overwrite.

    SQLite: ``with factory.begin() as s:`` starts with ``BEGIN IMMEDIATE``; a second writer
    (another process or window) waits up to the busy timeout for the first to commit, then
    reads what it committed, so the service reports a stale version as a conflict instead of
    failing half-way with "database is locked". PostgreSQL: the unit of work runs at
    REPEATABLE READ; a row changed by a transaction that committed after ours began fails
    with a serialization error (a conflict), rather than being written over or half-replaced.
    Reads (``with factory() as s:``) autobegin as usual and never wait for a writer.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        outermost = not nested and not self.in_transaction()
        transaction = super().begin(nested=nested)
        options = _WRITE_OPTIONS.get(self.get_bind().dialect.name)
        if outermost and options:
            self.connection(execution_options=options)
        return transaction
