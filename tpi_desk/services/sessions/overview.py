"""Where the open database is and how much it holds, for the status bar and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.models.people import Patient
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors


@dataclass(frozen=True, slots=True)
class RecordCounts:
    patients: int
    sessions: int


def count_records(session_factory: sessionmaker[Session]) -> RecordCounts:
    with database_errors_as_user_errors("read the database"), session_factory() as db:
        patients = db.scalar(select(func.count()).select_from(Patient)) or 0
        sessions = db.scalar(select(func.count()).select_from(ProcedureSession)) or 0
    return RecordCounts(patients=patients, sessions=sessions)


def describe_location(url: URL) -> str:
    """ "~/.local/share/TPI Desk/tpi-desk.sqlite3", "in memory", or a server URL without
    its password."""
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=True)
    if not url.database:
        return "in memory"
    path = Path(url.database)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except (RuntimeError, ValueError):  # no home folder, or the file lives elsewhere
        return str(path)


class DatabaseOverview:
    """The open database as the user sees it: its location and its record counts."""

    def __init__(self, session_factory: sessionmaker[Session], url: URL) -> None:
        self._session_factory = session_factory
        self._url = url

    def location(self) -> str:
        """Where the database is, for people (never a password); see ``describe_location``."""
        return describe_location(self._url)

    def counts(self) -> RecordCounts:
        """Patients and sessions in the whole database (whole-table counts: run off the UI
        thread); raises DatabaseUnavailable."""
        return count_records(self._session_factory)
