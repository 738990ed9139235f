"""Turns database driver failures into the typed errors a clinician can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from tpi_desk.services.errors import ConflictError, DatabaseUnavailable

# PostgreSQL's "could not serialize access" (REPEATABLE READ write units of work).
_SERIALIZATION_FAILURE = "40001"
_BUSY_WORDS = (
    "database is locked",
    "database is busy",
    "database table is locked",
    "could not obtain lock",
    "deadlock",
)
_READ_ONLY_WORDS = ("readonly database", "read-only", "read only")
_FULL_WORDS = ("database or disk is full", "no space left")
_DAMAGED_WORDS = ("malformed", "file is not a database")


@contextmanager
def database_errors_as_user_errors(what: str) -> Iterator[None]:
    """Run one unit of work; ``what`` names the action in messages ("save the draft")."""
    try:
        yield
    except StaleDataError as error:
        raise _conflict(what) from error
    except DBAPIError as error:
        if _sqlstate(error) == _SERIALIZATION_FAILURE:
            raise _conflict(what) from error
        raise DatabaseUnavailable(_driver_message(what, error)) from error
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(
            f"Could not {what}: the database reported a problem. Nothing was saved."
        ) from error


def _conflict(what: str) -> ConflictError:
    return ConflictError(
        f"Could not {what}: someone else saved this record after you opened it. "
        "Nothing was overwritten; reopen it to see their changes."
    )


def _sqlstate(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def _driver_message(what: str, error: DBAPIError) -> str:
    text = str(error.orig).lower()
    if any(word in text for word in _DAMAGED_WORDS):
        return (
            f"Could not {what}: the database file is damaged. Nothing was saved; ask the "
            "clinic admin to restore the latest backup (tpi-desk restore)."
        )
    if isinstance(error, OperationalError):
        return _operational_message(what, text)
    if error.connection_invalidated:
        return (
            f"Could not {what}: the connection to the database server was lost. "
            "Check the network and try again; nothing was saved."
        )
    return f"Could not {what}: the database refused the change. Nothing was saved."


def _operational_message(what: str, text: str) -> str:
    if any(word in text for word in _BUSY_WORDS):
        return (
            f"Could not {what}: another workstation or program kept the database busy. "
            "Nothing was saved; try again in a moment."
        )
    if any(word in text for word in _READ_ONLY_WORDS):
        return f"Could not {what}: the database is read-only. Ask the clinic admin."
    if any(word in text for word in _FULL_WORDS):
        return f"Could not {what}: the disk is full. Free some space; nothing was saved."
    return (
        f"Could not {what}: the database could not be reached or read. "
        "Nothing was saved; try again or ask the clinic admin."
    )
