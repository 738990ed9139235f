"""Patients: create, change, fetch and search as you type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.clinical.text_folding import fold
from tpi_desk.clinical.validation import validate_patient
from tpi_desk.models.people import Patient
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.dto import PatientRecord, PatientSummary
from tpi_desk.services.errors import ConflictError, NotFound, ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.record_mapping import apply_patient_facts, patient_record

SEARCH_LIMIT = 50


class PatientService:
    """Patient use cases; each method is one transaction."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def create(self, facts: PatientFacts, *, actor: Actor | None = None) -> PatientRecord:
        authorize(actor, Action.EDIT_PATIENT)
        _raise_if_invalid(facts)
        with (
            database_errors_as_user_errors("save the patient"),
            self._session_factory.begin() as db,
        ):
            _refuse_duplicate_mrn(db, facts.mrn, patient_id=None)
            row = Patient()
            apply_patient_facts(row, facts)
            db.add(row)
            db.flush()
            return patient_record(row)

    def update(
        self, patient_id: int, version: int, facts: PatientFacts, *, actor: Actor | None = None
    ) -> PatientRecord:
        authorize(actor, Action.EDIT_PATIENT)
        _raise_if_invalid(facts)
        with (
            database_errors_as_user_errors("save the patient"),
            self._session_factory.begin() as db,
        ):
            row = _get(db, patient_id)
            if row.version != version:
                raise ConflictError(
                    "Could not save the patient: someone else changed this patient after "
                    "you opened it. Nothing was overwritten; reopen to see their changes."
                )
            _refuse_duplicate_mrn(db, facts.mrn, patient_id=patient_id)
            apply_patient_facts(row, facts)
            db.flush()
            return patient_record(row)

    def get(self, patient_id: int, *, actor: Actor | None = None) -> PatientRecord:
        authorize(actor, Action.VIEW_CLINICAL)
        with database_errors_as_user_errors("open the patient"), self._session_factory() as db:
            return patient_record(_get(db, patient_id))

    def find_by_mrn(self, mrn: str, *, actor: Actor | None = None) -> PatientRecord | None:
        authorize(actor, Action.VIEW_CLINICAL)
        with database_errors_as_user_errors("look up the patient"), self._session_factory() as db:
            row = db.scalar(select(Patient).where(Patient.mrn == mrn.strip()))
            return None if row is None else patient_record(row)

    def search(
        self, text: str, *, limit: int = SEARCH_LIMIT, actor: Actor | None = None
    ) -> list[PatientSummary]:
        """Patients whose name or MRN contains every word of ``text`` (accents ignored)."""
        authorize(actor, Action.VIEW_CLINICAL)
        query = select(
            Patient.id,
            Patient.mrn,
            Patient.family_name,
            Patient.given_name,
            Patient.date_of_birth,
            Patient.sex,
        )
        for word in fold(text).split():
            query = query.where(Patient.search_text.contains(word, autoescape=True))
        query = query.order_by(Patient.search_text, Patient.id).limit(limit)
        with database_errors_as_user_errors("search patients"), self._session_factory() as db:
            return [
                PatientSummary(
                    id=r.id,
                    mrn=r.mrn,
                    family_name=r.family_name,
                    given_name=r.given_name,
                    date_of_birth=r.date_of_birth,
                    sex=r.sex,
                )
                for r in db.execute(query)
            ]


def _get(db: Session, patient_id: int) -> Patient:
    row = db.get(Patient, patient_id)
    if row is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    return row


def _raise_if_invalid(facts: PatientFacts) -> None:
    problems = validate_patient(facts)
    if problems:
        raise ValidationFailed(problems)


def _refuse_duplicate_mrn(db: Session, mrn: str, *, patient_id: int | None) -> None:
    other = db.scalar(select(Patient.id).where(Patient.mrn == mrn))
    if other is not None and other != patient_id:
        raise ValidationFailed(
            [
                FieldProblem(
                    "patient.mrn", "Patient: MRN", f"{mrn} already belongs to another patient"
                )
            ]
        )
