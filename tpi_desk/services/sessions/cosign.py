"""Physician co-signature of notes signed by nurse practitioners and PAs (when required)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    Cosignature,
    CosignRequest,
    ProcedureSession,
    SignedRecordKind,
)
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import SessionRecord, SessionSummary
from tpi_desk.services.errors import LockedNoteError, PermissionDenied, UserError
from tpi_desk.services.integrity.integrity import cosignature_content, person_part
from tpi_desk.services.integrity.key_registry import UnlockedKeys
from tpi_desk.services.integrity.key_signed_links import KeySignedLinks
from tpi_desk.services.people.login import Authenticator
from tpi_desk.services.permissions import Action, Actor, signed_in
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import load_session_row, session_record
from tpi_desk.services.sessions.session_queries import muscles_by_session
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

PENDING_LIMIT = 500


class CosignNotNeeded(UserError):
    """The note does not wait for a co-signature (not required, or already co-signed)."""


class CosignService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        hasher: PasswordHasher | None = None,
        unlocked_keys: UnlockedKeys | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        # The lockout runs on the wall clock, whatever clock stamps the signature.
        self._auth = Authenticator(session_factory, hasher=hasher)
        self._links = KeySignedLinks(unlocked_keys)

    def pending_for(
        self, actor: Actor | None, *, limit: int = PENDING_LIMIT
    ) -> list[SessionSummary]:
        """Notes waiting for a physician's co-signature, oldest signature first; a
        physician's own notes are not listed (nobody co-signs their own note)."""
        with refusals_audited(self._session_factory, actor, "list notes to co-sign", "session"):
            physician = signed_in(actor, Action.COSIGN_SESSION)
        query = (
            select(
                ProcedureSession.id,
                ProcedureSession.patient_id,
                ProcedureSession.performed_at,
                ProcedureSession.kind,
                ProcedureSession.status,
                ProcedureSession.pain_before,
                ProcedureSession.pain_after,
                Patient.family_name,
                Patient.given_name,
                Patient.mrn,
                User.display_name,
            )
            .join(CosignRequest, CosignRequest.session_id == ProcedureSession.id)
            .outerjoin(Cosignature, Cosignature.session_id == ProcedureSession.id)
            .join(Patient, Patient.id == ProcedureSession.patient_id)
            .join(User, User.id == ProcedureSession.provider_id)
            .where(
                Cosignature.id.is_(None),
                ProcedureSession.status == NoteStatus.SIGNED,
                ProcedureSession.signed_by_id != physician.user_id,
            )
            .order_by(CosignRequest.requested_at, ProcedureSession.id)
            .limit(limit)
        )
        with database_errors_as_user_errors("list notes to co-sign"), self._session_factory() as db:
            rows = db.execute(query).all()
            muscles = muscles_by_session(db, [row.id for row in rows])
        return [
            SessionSummary(
                id=row.id,
                patient_id=row.patient_id,
                patient_name=f"{row.family_name}, {row.given_name}",
                mrn=row.mrn,
                provider_name=row.display_name,
                performed_at=row.performed_at,
                kind=row.kind,
                status=row.status,
                muscle_ids=tuple(muscles.get(row.id, ())),
                pain_before=row.pain_before,
                pain_after=row.pain_after,
            )
            for row in rows
        ]

    def cosign(self, session_id: int, actor: Actor | None, password: str) -> SessionRecord:
        """Co-sign a note as the signed-in physician, after checking their password again."""
        with refusals_audited(
            self._session_factory, actor, "co-sign the note", "session", session_id
        ):
            physician = signed_in(actor, Action.COSIGN_SESSION)
            self._auth.confirm(physician, password, purpose="co-sign the note")
            return run_unit_of_work(
                self._session_factory,
                "co-sign the note",
                lambda db: self._cosign(db, session_id, physician, password),
            )

    def _cosign(self, db: Session, session_id: int, actor: Actor, password: str) -> SessionRecord:
        note = load_session_row(db, session_id)
        if note.status is not NoteStatus.SIGNED:
            raise LockedNoteError(
                f"Session #{session_id} is {note.status.value.replace('_', ' ')}; only a signed "
                "note is co-signed."
            )
        if note.cosign_request is None:
            raise CosignNotNeeded(f"Session #{session_id} does not need a co-signature.")
        if note.cosignature is not None:
            raise CosignNotNeeded(f"Session #{session_id} is already co-signed.")
        if note.signed_by_id == actor.user_id or note.provider_id == actor.user_id:
            raise PermissionDenied("Nobody co-signs their own note; another physician must.")
        cosigner = db.get(User, actor.user_id)
        if cosigner is None or not cosigner.active:
            raise PermissionDenied("Your account is disabled; you may not co-sign notes.")
        now = self._clock()
        row = Cosignature(session_id=note.id, cosigner_id=cosigner.id, cosigned_at=now)
        db.add(row)
        db.flush()
        self._links.append(
            db,
            SignedRecordKind.COSIGNATURE,
            cosigner,
            password,
            record_id=row.id,
            session_id=note.id,
            signed_at=now,
            content=cosignature_content(
                cosignature_id=row.id,
                session_id=note.id,
                cosigner_id=cosigner.id,
                cosigner=person_part(provider_record(cosigner).facts),
                cosigned_at=now,
                note_content_hash=note.content_hash,
            ),
        )
        record_event(
            db, actor, AuditAction.COSIGN, "session", note.id, patient_id=note.patient_id, at=now
        )
        db.expire(note)
        return session_record(load_session_row(db, session_id))
