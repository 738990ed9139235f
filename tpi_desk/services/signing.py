"""Signing a note: refused unless the clinical checklist passes; then it never changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.clinical.session_document import SessionDocument, session_document_to_dict
from tpi_desk.models.people import User
from tpi_desk.services.clinic_settings import coding_settings
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import (
    ConflictError,
    LockedNoteError,
    NotFound,
    NotReadyToSign,
    PermissionDenied,
)
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.session_loading import load_session_row, prior_sessions, session_record


class SigningService:
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

    def sign(
        self, session_id: int, version: int, signer_id: int, *, actor: Actor | None = None
    ) -> SessionRecord:
        """Sign the draft as ``signer_id``; ``version`` is the one the clinician reviewed."""
        authorize(actor, Action.SIGN_SESSION)
        if actor is not None and actor.user_id != signer_id:
            raise PermissionDenied("A note can only be signed by the signed-in clinician.")
        with database_errors_as_user_errors("sign the note"), self._session_factory.begin() as db:
            row = load_session_row(db, session_id)
            if row.status is not NoteStatus.DRAFT:
                raise LockedNoteError(f"Session #{session_id} is already {row.status.value}.")
            if row.version != version:
                raise ConflictError(
                    "Could not sign: the note changed after you reviewed it. "
                    "Review it again, then sign."
                )
            signer = db.get(User, signer_id)
            if signer is None or not signer.active:
                raise NotFound("The signing clinician's account does not exist or is disabled.")
            record = session_record(row)
            now = self._clock()
            analysis = analyse_session(
                record.entry,
                self._catalog,
                patient=record.patient.facts,
                history=prior_sessions(
                    db, row.patient_id, row.performed_at, exclude_session_id=row.id
                ),
                settings=coding_settings(db),
                today=now.date(),
            )
            if not analysis.ready_to_sign:
                raise NotReadyToSign(analysis.checklist.missing)
            row.status = NoteStatus.SIGNED
            row.signed_at = now
            row.signed_by = signer
            row.content_hash = content_hash(
                SessionDocument(record.patient.facts, record.provider.facts, record.entry)
            )
            db.flush()
            return session_record(row)


def content_hash(document: SessionDocument) -> str:
    """SHA-256 of the note's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        session_document_to_dict(document), sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
