"""Signing a note: the password again, the checklist, then a hash-chained signature.

After signing, the note's rows never change (database triggers refuse it); corrections are
addenda, and a mistaken note is marked entered in error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.alerts import Alert
from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, Role, SessionEntry
from tpi_desk.models.people import User
from tpi_desk.models.procedures import CosignRequest, SignedRecordKind
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import (
    ConflictError,
    LockedNoteError,
    NotFound,
    NotReadyToSign,
    PermissionDenied,
    UserError,
)
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.integrity import signed_note_content
from tpi_desk.services.integrity.key_registry import UnlockedKeys
from tpi_desk.services.integrity.key_signed_links import KeySignedLinks
from tpi_desk.services.people.login import Authenticator, PendingConfirmation
from tpi_desk.services.permissions import Action, Actor, require_kind, signed_in
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import (
    load_session_row,
    prior_sessions,
    session_record,
)
from tpi_desk.services.settings.clinic_settings import (
    clinic_settings,
    coding_settings,
    require_physician_cosign,
)
from tpi_desk.services.storage.unit_of_work import run_unit_of_work


class SigningService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        hasher: PasswordHasher | None = None,
        unlocked_keys: UnlockedKeys | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._catalog = catalog
        self._clock = clock
        # The lockout runs on the wall clock, whatever clock stamps the signature.
        self._auth = Authenticator(session_factory, hasher=hasher)
        self._links = KeySignedLinks(unlocked_keys)

    def sign(
        self,
        session_id: int,
        version: int,
        signer_id: int,
        *,
        actor: Actor | None,
        password: str,
    ) -> SessionRecord:
        """Sign the draft as the signed-in ``actor`` (``signer_id`` must be theirs), after
        checking their ``password`` again; ``version`` is the one the clinician reviewed."""
        with refusals_audited(self._session_factory, actor, "sign the note", "session", session_id):
            clinician = signed_in(actor, Action.SIGN_SESSION)
            if clinician.user_id != signer_id:
                raise PermissionDenied("A note can only be signed by the signed-in clinician.")
            # argon2 checks the password in a worker thread while the note is prepared and
            # written; the transaction commits only once the password has matched.
            check = self._auth.begin_confirm(clinician, password, purpose="sign the note")
            try:
                signed = run_unit_of_work(
                    self._session_factory,
                    "sign the note",
                    lambda db: self._sign(db, session_id, version, clinician, check, password),
                )
            except (UserError, _PasswordRefused):
                check.finish()  # a wrong password is named (and counted) first, as ever
                raise
            check.finish()
            return signed

    def _sign(
        self,
        db: Session,
        session_id: int,
        version: int,
        actor: Actor,
        check: PendingConfirmation,
        password: str,
    ) -> SessionRecord:
        row = load_session_row(db, session_id)
        if row.status is not NoteStatus.DRAFT:
            raise LockedNoteError(
                f"Session #{session_id} is already {row.status.value.replace('_', ' ')}."
            )
        if row.version != version:
            raise ConflictError(
                "Could not sign: the note changed after you reviewed it. "
                "Review it again, then sign."
            )
        signer = db.get(User, actor.user_id)
        if signer is None or not signer.active:
            raise NotFound("The signing clinician's account does not exist or is disabled.")
        require_kind(signer.role, signer.credentials, signer.display_name, row.kind, doing="sign")
        provider = row.provider
        require_kind(provider.role, provider.credentials, provider.display_name, row.kind)
        record = session_record(row)
        now = self._clock()
        analysis = analyse_session(
            record.entry,
            self._catalog,
            patient=record.patient.facts,
            history=prior_sessions(db, row.patient_id, row.performed_at, exclude_session_id=row.id),
            settings=coding_settings(db),
            today=now.date(),
            provider=record.provider.facts,
            safety=clinic_settings(db).safety,
        )
        if not analysis.ready_to_sign:
            raise NotReadyToSign(analysis.checklist.missing)
        cosign_required = signer.role is not Role.PHYSICIAN and require_physician_cosign(db)
        content = signed_note_content(
            record, provider_record(signer), signed_at=now, cosign_required=cosign_required
        )
        row.status = NoteStatus.SIGNED
        row.signed_at = now
        row.signed_by = signer
        row.content_hash = sha256_hex(canonical_json(content))
        db.flush()
        if cosign_required:
            db.add(CosignRequest(session_id=row.id, requested_at=now))

        def refuse_wrong_password() -> None:
            # A key the password did not open: a wrong password is named as such.
            if not check.matched():
                raise _PasswordRefused

        signature = self._links.append(
            db,
            SignedRecordKind.SESSION,
            signer,
            password,
            record_id=row.id,
            session_id=row.id,
            signed_at=now,
            content=content,
            before_locked_refusal=refuse_wrong_password,
        )
        record_event(
            db,
            actor,
            AuditAction.SIGN,
            "session",
            row.id,
            f"content hash {row.content_hash}{_override_detail(analysis.alerts, record.entry)}",
            patient_id=row.patient_id,
            at=now,
        )
        if not check.matched():
            raise _PasswordRefused  # rolls the signature back; sign() says why
        # What signing changed, from what was just written: no second load of the note.
        return replace(
            record,
            version=row.version,
            status=row.status,
            updated_at=row.updated_at,
            signed_at=now,
            signed_by=signer.display_name,
            signed_by_credentials=signer.credentials,
            content_hash=row.content_hash,
            signature_sequence=signature.sequence,
            chain_hash=signature.chain_hash,
            cosign_required=cosign_required,
        )


def _override_detail(alerts: Sequence[Alert], entry: SessionEntry) -> str:
    """The hard stops signed past and the clinician's reason, for the audit event."""
    overridden = [alert.code for alert in alerts if alert.overridden]
    if not overridden:
        return ""
    return f"; hard stops overridden ({', '.join(overridden)}): {entry.override_reason.strip()}"


class _PasswordRefused(Exception):
    """The password check failed after the signature was prepared: roll it back."""
