"""Turns database driver failures into the typed errors a clinician can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from tpi_desk.services.errors import ConflictError, DatabaseUnavailable

_BUSY_WORDS = ("database is locked", "database is busy", "could not obtain lock", "deadlock")
_READ_ONLY_WORDS = ("readonly database", "read-only", "read only")
_FULL_WORDS = ("database or disk is full", "no space left")


@contextmanager
def database_errors_as_user_errors(what: str) -> Iterator[None]:
    """Run one unit of work; ``what`` names the action in messages ("save the draft")."""
    try:
        yield
    except StaleDataError as error:
        raise ConflictError(
            f"Could not {what}: someone else saved this record after you opened it. "
            "Nothing was overwritten; reopen it to see their changes."
        ) from error
    except OperationalError as error:
        raise DatabaseUnavailable(_operational_message(what, error)) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise DatabaseUnavailable(
                f"Could not {what}: the connection to the database server was lost. "
                "Check the network and try again; nothing was saved."
            ) from error
        raise DatabaseUnavailable(
            f"Could not {what}: the database refused the change. Nothing was saved."
        ) from error
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(
            f"Could not {what}: the database reported a problem. Nothing was saved."
        ) from error


def _operational_message(what: str, error: OperationalError) -> str:
    text = str(error.orig).lower()
    if any(word in text for word in _BUSY_WORDS):
        return (
            f"Could not {what}: another workstation is writing to the database. "
            "Try again in a moment; nothing was lost."
        )
    if any(word in text for word in _READ_ONLY_WORDS):
        return f"Could not {what}: the database is read-only. Ask the clinic admin."
    if any(word in text for word in _FULL_WORDS):
        return f"Could not {what}: the disk is full. Free some space; nothing was saved."
    return (
        f"Could not {what}: the database could not be reached or read. "
        "Nothing was saved; try again or ask the clinic admin."
    )
