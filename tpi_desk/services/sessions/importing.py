"""Imports session documents as drafts, all in one transaction (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.analysis import SessionAnalysis, analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.clinical.session_document import SessionDocument
from tpi_desk.clinical.validation import validate_entry, validate_patient, validate_provider
from tpi_desk.models.people import Patient
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.integrity.patient_chain import patient_detail
from tpi_desk.services.people.providers import find_or_add_provider, role_for_credentials
from tpi_desk.services.permissions import (
    KIND_LABELS,
    KIND_PERFORMERS,
    Action,
    Actor,
    allowed_kinds,
    authorize,
)
from tpi_desk.services.sessions.drafts import create_draft_row
from tpi_desk.services.sessions.record_mapping import (
    apply_patient_facts,
    apply_patient_insurance,
    patient_facts,
)
from tpi_desk.services.sessions.session_loading import prior_sessions
from tpi_desk.services.settings.clinic_settings import clinic_settings, coding_settings
from tpi_desk.services.storage.unit_of_work import run_unit_of_work


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
        """Store every document as a draft, or none of them if any cannot be stored.

        ``actor=None`` is the local operator of ``tpi-desk import`` (trusted); each draft,
        patient and provider created is audited.
        """
        with refusals_audited(self._session_factory, actor, "import sessions", "session"):
            authorize(actor, Action.AUTHOR_SESSION, local_operator=True)
        for document in documents:
            problems = (
                *validate_patient(document.patient),
                *validate_provider(document.provider),
                *validate_entry(document.session, self._catalog),
                *_provider_kind_problems(document),
            )
            if problems:
                raise ValidationFailed(problems)
        with refusals_audited(self._session_factory, actor, "import sessions", "session"):
            return run_unit_of_work(
                self._session_factory,
                "import the sessions",
                lambda db: self._import(db, documents, actor),
            )

    def _import(
        self, db: Session, documents: Sequence[SessionDocument], actor: Actor | None
    ) -> list[ImportedSession]:
        results = []
        settings = coding_settings(db)
        safety = clinic_settings(db).safety
        for document in documents:
            patient, created = _find_or_add_patient(db, document.patient, actor)
            provider = find_or_add_provider(db, document.provider, actor=actor)
            row = create_draft_row(db, patient.id, provider.id, document.session)
            record_event(
                db,
                actor,
                AuditAction.IMPORT,
                "session",
                row.id,
                f"draft imported for {provider.username}",
                patient_id=patient.id,
            )
            analysis = analyse_session(
                document.session,
                self._catalog,
                patient=patient_facts(patient),
                history=prior_sessions(db, patient.id, row.performed_at, exclude_session_id=row.id),
                settings=settings,
                today=self._clock().date(),
                provider=document.provider,
                safety=safety,
            )
            results.append(
                ImportedSession(row.id, patient.id, created, provider.username, analysis)
            )
        return results


def _find_or_add_patient(
    db: Session, facts: PatientFacts, actor: Actor | None
) -> tuple[Patient, bool]:
    """The patient with this MRN (their stored details win), or a new one (audited).

    A known patient without insurance on file takes the document's (issue 15), audited as a
    change of the patient; insurance already on file is never replaced by an import.
    """
    row = db.scalar(select(Patient).where(Patient.mrn == facts.mrn))
    if row is not None:
        if row.insurance_relationship is None and facts.insurance is not None:
            apply_patient_insurance(row, facts.insurance)
            db.flush()
            detail = patient_detail(row, "insurance imported")
            record_event(
                db, actor, AuditAction.UPDATE, "patient", row.id, detail, patient_id=row.id
            )
        return row, False
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
        patient_detail(row, "imported"),
        patient_id=row.id,
    )
    return row, True


def _provider_kind_problems(document: SessionDocument) -> list[FieldProblem]:
    """A document whose provider's credentials do not cover its kind of session."""
    provider, kind = document.provider, document.session.kind
    if kind in allowed_kinds(role_for_credentials(provider.credentials), provider.credentials):
        return []
    return [
        FieldProblem(
            "provider.credentials",
            "Provider: credentials",
            f"{provider.credentials or 'none'} may not document {KIND_LABELS[kind]} "
            f"(performed by {KIND_PERFORMERS[kind]})",
        )
    ]
