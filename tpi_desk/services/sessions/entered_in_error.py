"""Marking a signed note entered in error: a reason, who and when; the note is kept as it was.

The status change is the only change the database triggers allow on a signed note's row,
and only once the mark with its reason exists; the mark itself is signed and chained.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.people import User
from tpi_desk.models.procedures import EnteredInErrorMark, SignedRecordKind
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import LockedNoteError, PermissionDenied, ValidationFailed
from tpi_desk.services.integrity.integrity import error_mark_content, person_part
from tpi_desk.services.integrity.key_registry import UnlockedKeys
from tpi_desk.services.integrity.key_signed_links import KeySignedLinks
from tpi_desk.services.people.login import Authenticator
from tpi_desk.services.permissions import Action, Actor, signed_in
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import load_session_row, session_record
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

MAX_REASON_LENGTH = 2_000
REASON_PATH = "entered_in_error.reason"
REASON_LABEL = "Entered in error: reason"


class EnteredInErrorService:
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

    def mark_entered_in_error(
        self, session_id: int, reason: str, actor: Actor | None, password: str
    ) -> SessionRecord:
        """Mark a signed note entered in error (its signer, its provider, or a physician)."""
        with refusals_audited(
            self._session_factory, actor, "mark the note entered in error", "session", session_id
        ):
            clinician = signed_in(actor, Action.SIGN_SESSION)
            text = _checked_reason(reason)
            self._auth.confirm(clinician, password, purpose="mark the note entered in error")
            return run_unit_of_work(
                self._session_factory,
                "mark the note entered in error",
                lambda db: self._mark(db, session_id, text, clinician, password),
            )

    def _mark(
        self, db: Session, session_id: int, reason: str, actor: Actor, password: str
    ) -> SessionRecord:
        note = load_session_row(db, session_id)
        if note.status is NoteStatus.DRAFT:
            raise LockedNoteError(
                f"Session #{session_id} is a draft; only a signed note is marked entered in error."
            )
        if note.status is NoteStatus.ENTERED_IN_ERROR:
            raise LockedNoteError(f"Session #{session_id} is already marked entered in error.")
        marker = db.get(User, actor.user_id)
        if marker is None or not marker.active:
            raise PermissionDenied("Your account is disabled; you may not change notes.")
        own_note = marker.id in (note.signed_by_id, note.provider_id)
        if not own_note and marker.role is not Role.PHYSICIAN:
            raise PermissionDenied(
                "Only the note's own clinician or a physician marks it entered in error."
            )
        now = self._clock()
        mark = EnteredInErrorMark(
            session_id=note.id, marked_by_id=marker.id, marked_at=now, reason=reason
        )
        db.add(mark)
        db.flush()  # the trigger lets the status change only once the mark exists
        note.status = NoteStatus.ENTERED_IN_ERROR
        db.flush()
        self._links.append(
            db,
            SignedRecordKind.ENTERED_IN_ERROR,
            marker,
            password,
            record_id=mark.id,
            session_id=note.id,
            signed_at=now,
            content=error_mark_content(
                mark_id=mark.id,
                session_id=note.id,
                marked_by_id=marker.id,
                marked_by=person_part(provider_record(marker).facts),
                marked_at=now,
                reason=reason,
                note_content_hash=note.content_hash,
            ),
        )
        record_event(
            db,
            actor,
            AuditAction.ENTERED_IN_ERROR,
            "session",
            note.id,
            reason,
            patient_id=note.patient_id,
            at=now,
        )
        db.expire(note)
        return session_record(load_session_row(db, session_id))


def _checked_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        message = "is required"
    elif len(text) > MAX_REASON_LENGTH:
        message = f"must be at most {MAX_REASON_LENGTH:,} characters (it has {len(text):,})"
    else:
        return text
    raise ValidationFailed([FieldProblem(REASON_PATH, REASON_LABEL, message)])
