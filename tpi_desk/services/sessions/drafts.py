"""Draft sessions: create and save (a signed note never changes here)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, SessionEntry
from tpi_desk.clinical.validation import validate_entry
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import ConflictError, LockedNoteError, NotFound, ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize, require_actor_kind, require_kind
from tpi_desk.services.sessions.record_mapping import apply_session_entry
from tpi_desk.services.sessions.session_loading import load_session_row, session_record
from tpi_desk.services.storage.unit_of_work import run_unit_of_work


class DraftService:
    """Saves what a clinician typed; refuses values that can never be valid, nothing else."""

    def __init__(self, session_factory: sessionmaker[Session], catalog: Catalog) -> None:
        self._session_factory = session_factory
        self._catalog = catalog

    def create(
        self, patient_id: int, provider_id: int, entry: SessionEntry, *, actor: Actor | None
    ) -> SessionRecord:
        with refusals_audited(self._session_factory, actor, "create a draft", "session"):
            authorize(actor, Action.AUTHOR_SESSION)
            require_actor_kind(actor, entry.kind, doing="document")
            self._raise_if_invalid(entry)

            def work(db: Session) -> SessionRecord:
                row = create_draft_row(db, patient_id, provider_id, entry)
                record_event(
                    db, actor, AuditAction.CREATE, "session", row.id, patient_id=row.patient_id
                )
                return session_record(load_session_row(db, row.id))

            return run_unit_of_work(self._session_factory, "save the draft", work)

    def save(
        self,
        session_id: int,
        version: int,
        entry: SessionEntry,
        *,
        actor: Actor | None,
        provider_id: int | None = None,
    ) -> SessionRecord:
        """Replace a draft's contents; ``version`` is the one the editor loaded.

        ``provider_id`` (when given) makes another clinician the draft's provider: one who
        writes notes may document for a colleague credentialed for the kind (the signer is
        checked again when the note is signed)."""
        with refusals_audited(self._session_factory, actor, "save a draft", "session", session_id):
            authorize(actor, Action.AUTHOR_SESSION)
            require_actor_kind(actor, entry.kind, doing="document")
            self._raise_if_invalid(entry)

            def work(db: Session) -> SessionRecord:
                row = load_session_row(db, session_id)
                if row.status is not NoteStatus.DRAFT:
                    raise LockedNoteError(
                        f"Session #{session_id} is {row.status.value.replace('_', ' ')} and "
                        "can no longer change; add an addendum instead."
                    )
                if row.version != version:
                    raise ConflictError(
                        "Could not save the draft: it was saved elsewhere after you opened it "
                        "(another window or workstation). Nothing was overwritten; your text "
                        "is still in the editor."
                    )
                if provider_id is not None and provider_id != row.provider_id:
                    row.provider = _provider(db, provider_id)
                _require_provider_kind(row.provider, entry)
                apply_session_entry(row, entry)
                db.flush()
                record_event(
                    db, actor, AuditAction.UPDATE, "session", row.id, patient_id=row.patient_id
                )
                # The row holds what was just written (its new children, version and time
                # included): no second load of the whole note.
                return session_record(row)

            return run_unit_of_work(self._session_factory, "save the draft", work)

    def _raise_if_invalid(self, entry: SessionEntry) -> None:
        problems = validate_entry(entry, self._catalog)
        if problems:
            raise ValidationFailed(problems)


def create_draft_row(
    db: Session, patient_id: int, provider_id: int, entry: SessionEntry
) -> ProcedureSession:
    """Insert a draft inside an open unit of work (shared with the import).

    The provider must be credentialed for the session's kind (PermissionDenied otherwise).
    """
    patient = db.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    provider = _provider(db, provider_id)
    _require_provider_kind(provider, entry)
    row = ProcedureSession(patient=patient, provider=provider, status=NoteStatus.DRAFT)
    apply_session_entry(row, entry)
    db.add(row)
    db.flush()
    return row


def _provider(db: Session, provider_id: int) -> User:
    provider = db.get(User, provider_id)
    if provider is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    return provider


def _require_provider_kind(provider: User, entry: SessionEntry) -> None:
    require_kind(provider.role, provider.credentials, provider.display_name, entry.kind)
