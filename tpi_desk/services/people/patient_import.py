"""Patients in (issue 15 item 4): the patients read from a file, created or updated by MRN in
one transaction, each audited as the app audits a patient saved by hand.

A patient whose MRN is known already is updated (its facts replaced by the file's), never
doubled; one whose facts are the same is left alone. Any problem anywhere rolls the whole
import back: nothing is half-imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import PatientFacts
from tpi_desk.models.people import Patient, patient_search_text
from tpi_desk.services.audit.events import AuditAction, record_events, refusals_audited
from tpi_desk.services.integrity.patient_chain import patient_detail, patient_hash
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.sessions.record_mapping import (
    apply_patient_facts,
    insurance_columns,
    patient_insurance,
)
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

Progress = Callable[[str, int, int], None]
LOOKUP_CHUNK = 500
CHUNK = 1_000  # patients inserted (and their entries audited) per statement


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did (or, for a dry run, would do)."""

    created: int
    updated: int
    unchanged: int

    def text(self) -> str:
        return (
            f"{self.created:,} new patient{'' if self.created == 1 else 's'}, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged"
        )


class PatientImportService:
    """Creates and updates patients from a file's rows; needs a user who may edit patients
    (or the local operator of `tpi-desk import-patients`)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def preview(self, patients: Sequence[PatientFacts], *, actor: Actor | None) -> ImportCounts:
        """How many of ``patients`` would be new, updated or unchanged (nothing written)."""
        self._authorize(actor)
        with database_errors_as_user_errors("read the patients"), self._session_factory() as db:
            known = _known(db, patients)
            return _counts(patients, known)

    def import_patients(
        self,
        patients: Sequence[PatientFacts],
        *,
        source: str,
        actor: Actor | None,
        progress: Progress | None = None,
    ) -> ImportCounts:
        """Create or update every patient in one transaction; ``source`` names the file in
        each audit entry. Returns the counts."""
        self._authorize(actor)
        total = len(patients)

        def work(db: Session) -> ImportCounts:
            known = _known(db, patients)
            patients_in = [_keeping_insurance(facts, known.get(facts.mrn)) for facts in patients]
            counts = _counts(patients_in, known)
            note = f"imported from {source}"
            now = self._clock()
            new = [facts for facts in patients_in if facts.mrn not in known]
            changed = [
                (known[facts.mrn], facts)
                for facts in patients_in
                if facts.mrn in known
                and patient_hash(_holding(facts)) != patient_hash(known[facts.mrn])
            ]
            done = 0
            for start in range(0, len(new), CHUNK):
                chunk = new[start : start + CHUNK]
                ids = _insert(db, chunk, now)
                details = [patient_detail(_holding(facts), note) for facts in chunk]
                records = [(i, detail, i) for i, detail in zip(ids, details, strict=True)]
                record_events(db, actor, AuditAction.CREATE, "patient", records, at=now)
                done += len(chunk)
                _tell(progress, done, total)
            for start in range(0, len(changed), CHUNK):
                rows = changed[start : start + CHUNK]
                for row, facts in rows:
                    apply_patient_facts(row, facts)
                db.flush()
                records = [(row.id, patient_detail(row, note), row.id) for row, _ in rows]
                record_events(db, actor, AuditAction.UPDATE, "patient", records, at=now)
                done += len(rows)
                _tell(progress, done, total)
            _tell(progress, total, total)
            return counts

        with refusals_audited(self._session_factory, actor, "import patients", "patient"):
            return run_unit_of_work(self._session_factory, "import the patients", work)

    def _authorize(self, actor: Actor | None) -> None:
        with refusals_audited(self._session_factory, actor, "import patients", "patient"):
            authorize(actor, Action.EDIT_PATIENT, local_operator=True)


def _insert(db: Session, patients: Sequence[PatientFacts], now: datetime) -> list[int]:
    """Insert new patients in one statement (as the ORM would fill them); their ids."""
    rows = []
    for facts in patients:
        rows.append(
            {
                "mrn": facts.mrn,
                "family_name": facts.family_name,
                "given_name": facts.given_name,
                "search_text": patient_search_text(facts.family_name, facts.given_name, facts.mrn),
                "date_of_birth": facts.date_of_birth,
                "sex": facts.sex,
                "weight_kg": facts.weight_kg,
                "allergies": list(facts.allergies),
                "no_known_drug_allergies": facts.no_known_drug_allergies,
                "coverage": facts.coverage,
                **insurance_columns(facts.insurance),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    inserted = db.execute(insert(Patient).returning(Patient.id, sort_by_parameter_order=True), rows)
    return list(inserted.scalars())


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress("Importing patients", done, total)


def _known(db: Session, patients: Sequence[PatientFacts]) -> dict[str, Patient]:
    """The patients already on file by MRN, looked up a chunk at a time."""
    mrns = [facts.mrn for facts in patients]
    found: dict[str, Patient] = {}
    for start in range(0, len(mrns), LOOKUP_CHUNK):
        chunk = mrns[start : start + LOOKUP_CHUNK]
        for row in db.scalars(select(Patient).where(Patient.mrn.in_(chunk))):
            found[row.mrn] = row
    return found


def _holding(facts: PatientFacts) -> Patient:
    """``facts`` in a patient row's shape, to hash its content as a row's is hashed (a plain
    object: an ORM row per patient costs a third of a large import's time)."""
    return cast(
        Patient,
        SimpleNamespace(
            mrn=facts.mrn,
            family_name=facts.family_name,
            given_name=facts.given_name,
            date_of_birth=facts.date_of_birth,
            sex=facts.sex,
            weight_kg=facts.weight_kg,
            allergies=list(facts.allergies),
            no_known_drug_allergies=facts.no_known_drug_allergies,
            coverage=facts.coverage,
            **insurance_columns(facts.insurance),
        ),
    )


def _keeping_insurance(facts: PatientFacts, known: Patient | None) -> PatientFacts:
    """``facts`` with the insurance on file when the file gives none: a list of patients
    without insurance columns updates the patients, never erases their coverage."""
    if facts.insurance is not None or known is None:
        return facts
    return replace(facts, insurance=patient_insurance(known))


def _counts(patients: Sequence[PatientFacts], known: dict[str, Patient]) -> ImportCounts:
    created = updated = 0
    for facts in patients:
        row = known.get(facts.mrn)
        if row is None:
            created += 1
        elif patient_hash(_holding(facts)) != patient_hash(row):
            updated += 1
    return ImportCounts(created, updated, len(patients) - created - updated)
