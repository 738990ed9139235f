"""Patients: create, change, fetch and search as you type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.clinical.text_folding import fold
from tpi_desk.clinical.validation import validate_patient
from tpi_desk.models.people import Patient
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import PatientRecord, PatientSummary
from tpi_desk.services.errors import ConflictError, NotFound, ValidationFailed
from tpi_desk.services.integrity.patient_chain import patient_detail
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.sessions.record_mapping import apply_patient_facts, patient_record
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

SEARCH_LIMIT = 50


class PatientService:
    """Patient use cases; each method is one transaction.

    Reading takes ``actor=None`` for the local operator of a command-line tool; creating
    and changing patients needs a signed-in user. Opening a patient is audited.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def create(self, facts: PatientFacts, *, actor: Actor | None) -> PatientRecord:
        with refusals_audited(self._session_factory, actor, "create a patient", "patient"):
            authorize(actor, Action.EDIT_PATIENT)
            _raise_if_invalid(facts)

            def work(db: Session) -> PatientRecord:
                _refuse_duplicate_mrn(db, facts.mrn, patient_id=None)
                row = Patient()
                apply_patient_facts(row, facts)
                db.add(row)
                db.flush()
                record_event(
                    db,
                    actor,
                    AuditAction.CREATE,
                    "patient",
                    row.id,
                    patient_detail(row),
                    patient_id=row.id,
                )
                return patient_record(row)

            return run_unit_of_work(self._session_factory, "save the patient", work)

    def update(
        self, patient_id: int, version: int, facts: PatientFacts, *, actor: Actor | None
    ) -> PatientRecord:
        with refusals_audited(
            self._session_factory, actor, "change a patient", "patient", patient_id
        ):
            authorize(actor, Action.EDIT_PATIENT)
            _raise_if_invalid(facts)

            def work(db: Session) -> PatientRecord:
                row = _get(db, patient_id)
                if row.version != version:
                    raise ConflictError(
                        "Could not save the patient: someone else changed this patient after "
                        "you opened it. Nothing was overwritten; reopen to see their changes."
                    )
                _refuse_duplicate_mrn(db, facts.mrn, patient_id=patient_id)
                apply_patient_facts(row, facts)
                db.flush()
                record_event(
                    db,
                    actor,
                    AuditAction.UPDATE,
                    "patient",
                    row.id,
                    patient_detail(row),
                    patient_id=row.id,
                )
                return patient_record(row)

            return run_unit_of_work(self._session_factory, "save the patient", work)

    def get(self, patient_id: int, *, actor: Actor | None = None) -> PatientRecord:
        """One patient (audited as a view)."""
        with refusals_audited(
            self._session_factory, actor, "open a patient", "patient", patient_id
        ):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)

        def work(db: Session) -> PatientRecord:
            row = _get(db, patient_id)
            record_event(db, actor, AuditAction.VIEW, "patient", row.id, patient_id=row.id)
            return patient_record(row)

        return run_unit_of_work(self._session_factory, "open the patient", work)

    def find_by_mrn(self, mrn: str, *, actor: Actor | None = None) -> PatientRecord | None:
        """The patient with this MRN, or None (a patient found is audited as a view)."""
        with refusals_audited(self._session_factory, actor, "look up a patient", "patient"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)

        def work(db: Session) -> PatientRecord | None:
            row = db.scalar(select(Patient).where(Patient.mrn == mrn.strip()))
            if row is None:
                return None
            record_event(db, actor, AuditAction.VIEW, "patient", row.id, patient_id=row.id)
            return patient_record(row)

        return run_unit_of_work(self._session_factory, "look up the patient", work)

    def search(
        self, text: str, *, limit: int = SEARCH_LIMIT, actor: Actor | None = None
    ) -> list[PatientSummary]:
        """Patients whose name or MRN contains every word of ``text`` (accents ignored)."""
        with refusals_audited(self._session_factory, actor, "search patients", "patient"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
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
