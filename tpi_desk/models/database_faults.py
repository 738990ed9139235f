"""What went wrong with the database, read from the driver's error codes (never its wording).

SQLite (Python 3.11+) gives ``sqlite3.Error.sqlite_errorcode``, an extended result code whose
low byte is the primary code (SQLITE_READONLY_DIRECTORY, 1544, is SQLITE_READONLY, 8).
PostgreSQL (psycopg) gives ``sqlstate``: five characters whose first two name the class.
SQLAlchemy wraps both; its ``DBAPIError.orig`` is the driver's exception.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError


class DatabaseFault(StrEnum):
    """The kinds of failure a clinician (or the clinic admin) can act on, in plain words."""

    CONFLICT = "someone else saved the same record first"
    BUSY = "another connection kept the database locked or busy"
    READ_ONLY = "the database may be read but not written"
    FULL = "the disk (or the database's size limit) is full"
    CORRUPT = "the database file is damaged"
    NOT_A_DATABASE = "the file is not a database"
    UNREACHABLE = "the database could not be opened, reached or read"
    CONNECTION_LOST = "the connection to the database server was lost"
    REFUSED = "the database refused the statement (a constraint or a permission)"
    OTHER = "the database layer reported a problem that is not the driver's"


# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes share them.
SQLITE_FAULTS: dict[int, DatabaseFault] = {
    5: DatabaseFault.BUSY,  # SQLITE_BUSY: another connection holds the lock
    6: DatabaseFault.BUSY,  # SQLITE_LOCKED: a table is locked (shared cache)
    8: DatabaseFault.READ_ONLY,  # SQLITE_READONLY and its READONLY_* variants
    10: DatabaseFault.UNREACHABLE,  # SQLITE_IOERR: the disk refused a read or a write
    11: DatabaseFault.CORRUPT,  # SQLITE_CORRUPT: "database disk image is malformed"
    13: DatabaseFault.FULL,  # SQLITE_FULL: disk full or max_page_count reached
    14: DatabaseFault.UNREACHABLE,  # SQLITE_CANTOPEN
    19: DatabaseFault.REFUSED,  # SQLITE_CONSTRAINT
    26: DatabaseFault.NOT_A_DATABASE,  # SQLITE_NOTADB
}

# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# a whole code first, then its two-character class.
POSTGRES_FAULTS: dict[str, DatabaseFault] = {
    "40001": DatabaseFault.CONFLICT,  # serialization_failure (REPEATABLE READ units of work)
    "40P01": DatabaseFault.BUSY,  # deadlock_detected
    "55P03": DatabaseFault.BUSY,  # lock_not_available
    "57014": DatabaseFault.BUSY,  # query_canceled (statement or lock timeout)
    "53100": DatabaseFault.FULL,  # disk_full
    "25006": DatabaseFault.READ_ONLY,  # read_only_sql_transaction (a standby server)
    "42501": DatabaseFault.READ_ONLY,  # insufficient_privilege
    "3D000": DatabaseFault.UNREACHABLE,  # invalid_catalog_name: no such database
    "08": DatabaseFault.UNREACHABLE,  # connection_exception
    "28": DatabaseFault.UNREACHABLE,  # invalid_authorization_specification (password)
    "53": DatabaseFault.UNREACHABLE,  # insufficient_resources (memory, connections)
    "57": DatabaseFault.UNREACHABLE,  # operator_intervention (server shutting down)
    "23": DatabaseFault.REFUSED,  # integrity_constraint_violation
}


def classify_database_error(error: BaseException) -> DatabaseFault:
    """The kind of ``error``: a SQLAlchemy error, or a sqlite3 one raised directly.

    A code in neither table falls back on the exception's type: an operational error (the
    driver could not do its work) is UNREACHABLE, any other driver error REFUSED.
    """
    if isinstance(error, StaleDataError):
        return DatabaseFault.CONFLICT
    driver_error = error.orig if isinstance(error, DBAPIError) else error
    fault = _sqlite_fault(driver_error) or _postgres_fault(driver_error)
    if fault is not None:
        return fault
    if isinstance(error, OperationalError | sqlite3.OperationalError):
        return DatabaseFault.UNREACHABLE
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return DatabaseFault.CONNECTION_LOST
    if isinstance(error, DBAPIError | sqlite3.Error):
        return DatabaseFault.REFUSED
    return DatabaseFault.OTHER


def _sqlite_fault(error: BaseException | None) -> DatabaseFault | None:
    code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
    return SQLITE_FAULTS.get(code & 0xFF) if isinstance(code, int) else None


def _postgres_fault(error: BaseException | None) -> DatabaseFault | None:
    sqlstate = getattr(error, "sqlstate", None)
    if not isinstance(sqlstate, str):
        return None
    return POSTGRES_FAULTS.get(sqlstate) or POSTGRES_FAULTS.get(sqlstate[:2])
