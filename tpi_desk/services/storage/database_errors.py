"""Turns database driver failures into the typed errors a clinician can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from tpi_desk.models.database_faults import DatabaseFault, classify_database_error
from tpi_desk.services.errors import ConflictError, DatabaseUnavailable

_DAMAGED = (
    "the database file is damaged. Nothing was saved; ask the clinic admin to restore the "
    "latest backup (tpi-desk restore)."
)
# What follows "Could not <what>: " for each kind of failure.
REASONS: dict[DatabaseFault, str] = {
    DatabaseFault.CONFLICT: (
        "someone else saved this record after you opened it. "
        "Nothing was overwritten; reopen it to see their changes."
    ),
    DatabaseFault.BUSY: (
        "another workstation or program kept the database busy. "
        "Nothing was saved; try again in a moment."
    ),
    DatabaseFault.READ_ONLY: "the database is read-only. Ask the clinic admin.",
    DatabaseFault.FULL: "the disk is full. Free some space; nothing was saved.",
    DatabaseFault.CORRUPT: _DAMAGED,
    DatabaseFault.NOT_A_DATABASE: _DAMAGED,
    DatabaseFault.UNREACHABLE: (
        "the database could not be reached or read. "
        "Nothing was saved; try again or ask the clinic admin."
    ),
    DatabaseFault.CONNECTION_LOST: (
        "the connection to the database server was lost. "
        "Check the network and try again; nothing was saved."
    ),
    DatabaseFault.REFUSED: "the database refused the change. Nothing was saved.",
    DatabaseFault.OTHER: "the database reported a problem. Nothing was saved.",
}


@contextmanager
def database_errors_as_user_errors(what: str) -> Iterator[None]:
    """Run one unit of work; ``what`` names the action in messages ("save the draft").

    A record saved elsewhere meanwhile raises ``ConflictError``; every other failure
    ``DatabaseUnavailable``, saying in plain words what happened.
    """
    try:
        yield
    except SQLAlchemyError as error:
        fault = classify_database_error(error)
        message = f"Could not {what}: {REASONS[fault]}"
        if fault is DatabaseFault.CONFLICT:
            raise ConflictError(message) from error
        raise DatabaseUnavailable(message) from error
