"""Open a database safely: probe read-only, refuse newer, foreign or damaged files, then migrate."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.models.database_faults import DatabaseFault, classify_database_error
from tpi_desk.models.engine import (
    SQLITE_BEGIN_OPTION,
    SQLITE_BUSY_TIMEOUT_MS,
    UnitOfWorkSession,
    create_database_engine,
    is_sqlite,
    normalize_url,
    sqlite_file,
)
from tpi_desk.models.errors import (
    DatabaseNeedsUpgradeError,
    DatabaseOpenError,
    DatabaseTooNewError,
)
from tpi_desk.models.schema_version import SCHEMA_HEAD
from tpi_desk.models.tables import TABLE_MODULES

VERSION_TABLE = "alembic_version"
# Imported for their table definitions: every table is mapped before the first query.
SCHEMA_MODULES = TABLE_MODULES


@dataclass(frozen=True, slots=True)
class Database:
    """An open database: its engine, a session factory, and its URL.

    Use one transaction per user action: ``with db.session_factory.begin() as s:`` for
    anything that writes (it cannot overwrite another workstation's save, see
    ``UnitOfWorkSession``), ``with db.session_factory() as s:`` for reading only.
    """

    engine: Engine
    session_factory: sessionmaker[Session]
    url: URL

    def dispose(self) -> None:
        """Close every pooled connection (call when the app or a test is done with it)."""
        self.engine.dispose()


def open_database(
    url: str | URL,
    *,
    upgrade: bool = True,
    check_integrity: bool = True,
    for_reading: bool = False,
) -> Database:
    """Open ``url``; create or upgrade its schema to head, or raise a ``DatabaseOpenError``.

    A SQLite file that is not a TPI Desk database, one written by a newer TPI Desk, a damaged
    one (``check_integrity``: SQLite's ``quick_check``, about 0.2 s per 100,000 sessions), a
    read-only one, or one another program keeps locked is refused after a read-only look, so
    it is left byte-for-byte untouched. A database already at head is not modified.
    ``for_reading`` (the read-only commands): a file another program is writing is opened
    all the same, since WAL lets reads go on beside the writer.
    """
    parsed = normalize_url(url)
    path = sqlite_file(parsed) if is_sqlite(parsed) else None
    revision = _probe_sqlite_file(path, check_integrity) if path is not None else None
    engine = create_database_engine(parsed)
    try:
        if path is None:
            revision = _probe_server(engine, parsed)
        _bring_to_head(engine, revision, upgrade=upgrade, place=_describe(parsed))
        if path is not None and not (for_reading and _write_lock_held_elsewhere(path)):
            _check_writable(engine, path)
    except BaseException:
        engine.dispose()
        raise
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=UnitOfWorkSession, expire_on_commit=False
    )
    return Database(engine, factory, parsed)


def _bring_to_head(engine: Engine, revision: str | None, *, upgrade: bool, place: str) -> None:
    if revision == SCHEMA_HEAD:
        return  # the usual start: Alembic (about 0.2 s to import) is not needed
    from tpi_desk.models.migration import head_revision, known_revisions, upgrade_to_head

    head = head_revision()
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(revision)
    if not upgrade:
        raise DatabaseNeedsUpgradeError(revision, head)
    try:
        upgrade_to_head(engine)
    except SQLAlchemyError as error:
        raise DatabaseOpenError(
            sqlite_refusal(place, error)
            or _not_the_owner(error, place, head)
            or f"The database {place} could not be prepared for this version of TPI Desk "
            f"({_first_line(error)})."
        ) from error


def _not_the_owner(error: SQLAlchemyError, place: str, head: str) -> str | None:
    """PostgreSQL: the app's workstation role may not migrate; the owner role does."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) != "42501":
        return None
    return (
        f"The database {place} needs an upgrade to schema {head}, which only its owner role may "
        "run: connect once as the owner, then run `tpi-desk db setup-roles` again (see "
        "docs/postgresql.md). Nothing was changed."
    )


def _probe_sqlite_file(path: Path, check_integrity: bool) -> str | None:
    """The revision stamped in an existing file, read without writing anything to it."""
    if not path.exists():
        return None
    if not path.is_file():
        raise DatabaseOpenError(f"{path} is a folder or device, not a TPI Desk database file.")
    if not (os.access(path, os.R_OK | os.W_OK) and os.access(path.parent, os.W_OK)):
        raise DatabaseOpenError(
            f"The database file {path} (or its folder) is read-only or not readable; "
            "TPI Desk needs to write to both. The file was not changed."
        )
    _finish_interrupted_transaction(path)
    try:
        probe = read_only_connection(path)
    except sqlite3.Error as error:
        raise DatabaseOpenError(f"The database file {path} cannot be opened ({error}).") from error
    try:
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return None
        if VERSION_TABLE not in tables:
            raise DatabaseOpenError(
                f"{path} is a SQLite database but not a TPI Desk one; it was not changed."
            )
        rows = probe.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
        if check_integrity:
            raise_if_damaged(probe, path)
    except sqlite3.DatabaseError as error:
        raise DatabaseOpenError(
            sqlite_refusal(str(path), error)
            or f"{path} is not a TPI Desk database, or it is damaged or unreadable ({error}). "
            "The file was not changed."
        ) from error
    finally:
        probe.close()
    return _single_revision(rows, str(path))


def _finish_interrupted_transaction(path: Path) -> None:
    """Roll back a transaction a killed program left in a rollback journal (a first demo
    load writes through one: ``load_journal.py``), as SQLite does when a file is opened for
    writing; the read-only probe cannot. The file is then as its last commit left it. A
    journal a live writer still holds is not hot, and SQLite leaves it alone."""
    journal = path.with_name(path.name + "-journal")
    if not journal.is_file() or journal.stat().st_size == 0:
        return
    try:
        recovering = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return  # the probe names the problem
    try:
        recovering.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # the probe names the problem
    finally:
        recovering.close()


def read_only_connection(path: Path, *, across_threads: bool = False) -> sqlite3.Connection:
    """A connection that can only read the file at ``path`` (it waits for a writer up to the
    busy timeout); ``across_threads``: usable from a thread other than the one opening it."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        check_same_thread=not across_threads,
    )


def raise_if_damaged(probe: sqlite3.Connection, path: Path) -> None:
    """SQLite's ``quick_check`` of the whole file on ``probe``; ``DatabaseOpenError`` naming
    the first damage it finds."""
    findings = [str(row[0]) for row in probe.execute("PRAGMA quick_check(3)")]
    if findings != ["ok"]:
        first = " ".join(findings[0].split()) if findings else "no answer"
        raise DatabaseOpenError(_damaged(str(path), first))


def _damaged(place: str, finding: str) -> str:
    return (
        f"The database file {place} is damaged (SQLite found: {finding}). It was not changed; "
        "restore the latest backup with `tpi-desk restore` (see docs/backups.md)."
    )


def _write_lock_held_elsewhere(path: Path) -> bool:
    """Whether another connection holds the file's write lock right now (asked without
    waiting, on a connection of its own: an empty ``BEGIN IMMEDIATE`` ... ``ROLLBACK``)."""
    try:
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False  # _check_writable names the problem
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        return classify_database_error(error) is DatabaseFault.BUSY
    finally:
        probe.close()
    return False


def _check_writable(engine: Engine, path: Path) -> None:
    """Take and release the write lock once, so a locked or read-only file is named now.

    Nothing is written: an empty ``BEGIN IMMEDIATE`` ... ``COMMIT`` leaves the file as it was.
    """
    try:
        with engine.connect() as connection:
            immediate = connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with immediate.begin():
                pass
    except SQLAlchemyError as error:
        raise DatabaseOpenError(
            sqlite_refusal(str(path), error)
            or f"The database file {path} cannot be written ({_first_line(error)}). "
            "The file was not changed."
        ) from error


def sqlite_refusal(place: str, error: BaseException) -> str | None:
    """A plain message for a SQLite file that is locked, read-only or damaged; else None."""
    reason = getattr(error, "orig", error)
    if not isinstance(reason, sqlite3.Error):
        return None
    fault = classify_database_error(error)
    if fault is DatabaseFault.CORRUPT:
        return _damaged(place, str(reason))
    if fault is DatabaseFault.BUSY:
        seconds = SQLITE_BUSY_TIMEOUT_MS // 1000
        return (
            f"The database file {place} is in use: another program or workstation kept it "
            f"locked for more than {seconds} seconds. Close that program (or wait) and try "
            "again; the file was not changed."
        )
    if fault is DatabaseFault.READ_ONLY:
        return (
            f"The database file {place} (or its folder) is read-only; TPI Desk needs to write "
            "to both. The file was not changed."
        )
    return None


def _probe_server(engine: Engine, url: URL) -> str | None:
    """The revision of a server database; refuses a database full of someone else's tables."""
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                return None
            if VERSION_TABLE not in tables:
                raise DatabaseOpenError(
                    f"The database {_describe(url)} holds tables that are not TPI Desk's; "
                    "it was not changed."
                )
            found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            rows = [(str(row[0]),) for row in found]
    except SQLAlchemyError as error:
        raise DatabaseOpenError(
            f"The database server {_describe(url)} cannot be reached or refused the "
            f"connection ({_first_line(error)})."
        ) from error
    return _single_revision(rows, _describe(url))


def _single_revision(rows: list[tuple[str]], place: str) -> str | None:
    if len(rows) > 1:
        revisions = ", ".join(sorted(row[0] for row in rows))
        raise DatabaseOpenError(f"{place} has several schema revisions ({revisions}).")
    return rows[0][0] if rows else None


def _describe(url: URL) -> str:
    """Where the database is, for messages (never the password)."""
    if is_sqlite(url):
        return str(url.database or "in memory")
    port = f":{url.port}" if url.port else ""
    return f"{url.database or ''} on {url.host or 'localhost'}{port}"


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    return str(orig or error).strip().splitlines()[0] if str(orig or error).strip() else ""
