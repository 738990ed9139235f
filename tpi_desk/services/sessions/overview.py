"""How much a database holds, for the start screen and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
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
