"""The prior sessions of many sessions at once: what ``prior_sessions`` gives each of them,
read in two queries for a whole chunk of an export instead of two per note.

The patients' sessions in the chunk's whole window are read once, with their sites and drug
doses; each session's history is then cut out of its patient's: the same sessions, in the
same order, as ``prior_sessions`` would read for it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus, PriorSession, ProcedureKind, Side
from tpi_desk.models.procedures import InjectionSite, ProcedureSession
from tpi_desk.services.sessions.session_loading import HISTORY_WINDOW, SAME_DAY_WINDOW
from tpi_desk.services.sessions.session_loading import _drug_doses as drug_doses

# Bound parameters per IN list: well below every database's limit.
IN_LIST_SIZE = 500


def prior_sessions_of_many(
    db: Session, sessions: Sequence[tuple[int, int, datetime]]
) -> dict[int, tuple[PriorSession, ...]]:
    """Each of ``sessions`` (id, patient id, performed at) mapped to its patient's other
    sessions (not entered in error) of the year before it and later the same day."""
    if not sessions:
        return {}
    earliest = min(performed_at for _id, _patient, performed_at in sessions) - HISTORY_WINDOW
    latest = max(performed_at for _id, _patient, performed_at in sessions) + SAME_DAY_WINDOW
    patients = sorted({patient_id for _id, patient_id, _at in sessions})
    by_patient: dict[int, list[tuple[int, PriorSession]]] = {}
    for patient_id, session_id, prior in _patients_sessions(db, patients, earliest, latest):
        by_patient.setdefault(patient_id, []).append((session_id, prior))
    histories = {}
    for session_id, patient_id, performed_at in sessions:
        start, end = performed_at - HISTORY_WINDOW, performed_at + SAME_DAY_WINDOW
        histories[session_id] = tuple(
            prior
            for other_id, prior in by_patient.get(patient_id, ())
            if other_id != session_id and start <= prior.performed_at < end
        )
    return histories


def _patients_sessions(
    db: Session, patients: Sequence[int], earliest: datetime, latest: datetime
) -> list[tuple[int, int, PriorSession]]:
    """(patient id, session id, the session as a prior session) for the patients' sessions
    performed from ``earliest`` until ``latest``, oldest first."""
    found: dict[int, tuple[int, datetime, ProcedureKind, NoteStatus, set[tuple[str, Side]]]] = {}
    for start in range(0, len(patients), IN_LIST_SIZE):
        query = (
            select(
                ProcedureSession.id,
                ProcedureSession.patient_id,
                ProcedureSession.performed_at,
                ProcedureSession.kind,
                ProcedureSession.status,
                InjectionSite.muscle_id,
                InjectionSite.side,
            )
            .outerjoin(InjectionSite, InjectionSite.session_id == ProcedureSession.id)
            .where(
                ProcedureSession.patient_id.in_(patients[start : start + IN_LIST_SIZE]),
                ProcedureSession.performed_at >= earliest,
                ProcedureSession.performed_at < latest,
                ProcedureSession.status != NoteStatus.ENTERED_IN_ERROR,
            )
        )
        for session_id, patient_id, at, kind, status, muscle_id, side in db.execute(query):
            row = found.setdefault(session_id, (patient_id, at, kind, status, set()))
            if muscle_id is not None:
                row[4].add((muscle_id, side))
    doses = _drug_doses(db, sorted(found))
    return [
        (
            patient_id,
            session_id,
            PriorSession(
                performed_at=at,
                kind=kind,
                muscle_ids=frozenset(muscle for muscle, _ in sites),
                status=status,
                sites=frozenset(sites),
                drug_doses_mg=tuple(sorted(doses.get(session_id, {}).items())),
            ),
        )
        for session_id, (patient_id, at, kind, status, sites) in sorted(
            found.items(), key=lambda item: (item[1][1], item[0])
        )
    ]


def _drug_doses(db: Session, session_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    """Total mg of each drug given at each of ``session_ids`` (as ``prior_sessions`` reads
    them), a few hundred sessions a query."""
    totals: dict[int, dict[str, Decimal]] = {}
    for start in range(0, len(session_ids), IN_LIST_SIZE):
        totals.update(drug_doses(db, session_ids[start : start + IN_LIST_SIZE]))
    return totals
