"""Imports session documents as drafts, all in one transaction (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.analysis import SessionAnalysis, analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.clinical.session_document import SessionDocument
from tpi_desk.clinical.validation import validate_entry, validate_patient, validate_provider
from tpi_desk.models.people import Patient
from tpi_desk.services.clinic_settings import coding_settings
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.drafts import create_draft_row
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.providers import find_or_add_provider
from tpi_desk.services.record_mapping import apply_patient_facts, patient_facts
from tpi_desk.services.session_loading import prior_sessions


@dataclass(frozen=True, slots=True)
class ImportedSession:
    session_id: int
    patient_id: int
    patient_created: bool
    provider_username: str
    analysis: SessionAnalysis


class ImportService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._catalog = catalog
        self._clock = clock

    def import_documents(
        self, documents: Sequence[SessionDocument], *, actor: Actor | None = None
    ) -> list[ImportedSession]:
        """Store every document as a draft, or none of them if any cannot be stored."""
        authorize(actor, Action.AUTHOR_SESSION)
        for document in documents:
            problems = (
                *validate_patient(document.patient),
                *validate_provider(document.provider),
                *validate_entry(document.session, self._catalog),
            )
            if problems:
                raise ValidationFailed(problems)
        results = []
        with (
            database_errors_as_user_errors("import the sessions"),
            self._session_factory.begin() as db,
        ):
            settings = coding_settings(db)
            for document in documents:
                patient, created = _find_or_add_patient(db, document.patient)
                provider = find_or_add_provider(db, document.provider)
                row = create_draft_row(db, patient.id, provider.id, document.session)
                analysis = analyse_session(
                    document.session,
                    self._catalog,
                    patient=patient_facts(patient),
                    history=prior_sessions(
                        db, patient.id, row.performed_at, exclude_session_id=row.id
                    ),
                    settings=settings,
                    today=self._clock().date(),
                )
                results.append(
                    ImportedSession(row.id, patient.id, created, provider.username, analysis)
                )
        return results


def _find_or_add_patient(db: Session, facts: PatientFacts) -> tuple[Patient, bool]:
    """The patient with this MRN (their stored details win), or a new one."""
    row = db.scalar(select(Patient).where(Patient.mrn == facts.mrn))
    if row is not None:
        return row, False
    row = Patient()
    apply_patient_facts(row, facts)
    db.add(row)
    db.flush()
    return row, True
