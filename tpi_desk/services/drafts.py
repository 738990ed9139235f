"""Draft sessions: create and save (a signed note never changes here)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, SessionEntry
from tpi_desk.clinical.validation import validate_entry
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import ConflictError, LockedNoteError, NotFound, ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.record_mapping import apply_session_entry
from tpi_desk.services.session_loading import load_session_row, session_record


class DraftService:
    """Saves what a clinician typed; refuses values that can never be valid, nothing else."""

    def __init__(self, session_factory: sessionmaker[Session], catalog: Catalog) -> None:
        self._session_factory = session_factory
        self._catalog = catalog

    def create(
        self, patient_id: int, provider_id: int, entry: SessionEntry, *, actor: Actor | None = None
    ) -> SessionRecord:
        authorize(actor, Action.AUTHOR_SESSION)
        self._raise_if_invalid(entry)
        with database_errors_as_user_errors("save the draft"), self._session_factory.begin() as db:
            row = create_draft_row(db, patient_id, provider_id, entry)
            return session_record(load_session_row(db, row.id))

    def save(
        self, session_id: int, version: int, entry: SessionEntry, *, actor: Actor | None = None
    ) -> SessionRecord:
        """Replace a draft's contents; ``version`` is the one the editor loaded."""
        authorize(actor, Action.AUTHOR_SESSION)
        self._raise_if_invalid(entry)
        with database_errors_as_user_errors("save the draft"), self._session_factory.begin() as db:
            row = load_session_row(db, session_id)
            if row.status is not NoteStatus.DRAFT:
                raise LockedNoteError(
                    f"Session #{session_id} is {row.status.value.replace('_', ' ')} and can "
                    "no longer change; add an addendum instead."
                )
            if row.version != version:
                raise ConflictError(
                    "Could not save the draft: it was saved elsewhere after you opened it "
                    "(another window or workstation). Nothing was overwritten; your text "
                    "is still in the editor."
                )
            apply_session_entry(row, entry)
            db.flush()
            db.expire(row)
            return session_record(load_session_row(db, session_id))

    def _raise_if_invalid(self, entry: SessionEntry) -> None:
        problems = validate_entry(entry, self._catalog)
        if problems:
            raise ValidationFailed(problems)


def create_draft_row(
    db: Session, patient_id: int, provider_id: int, entry: SessionEntry
) -> ProcedureSession:
    """Insert a draft inside an open unit of work (shared with the import)."""
    patient = db.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    provider = db.get(User, provider_id)
    if provider is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    row = ProcedureSession(patient=patient, provider=provider, status=NoteStatus.DRAFT)
    apply_session_entry(row, entry)
    db.add(row)
    db.flush()
    return row
