"""Where the open session stands: its id and version, what was last saved, its recovery copy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.errors import ConflictError, PermissionDenied, UserError, ValidationFailed
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.form_state import FormReading, RawSession
from tpi_desk.ui.session_editor.form_values import typed_part
from tpi_desk.ui.session_editor.recovery import RecoveredSession, RecoveryKeeper


class SaveOutcome(StrEnum):
    SAVED = "saved"
    CONFLICT = "conflict"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SaveResult:
    outcome: SaveOutcome
    message: str = ""
    problems: tuple[FieldProblem, ...] = ()


class DraftKeeper:
    """Saves drafts (create first, then by version), keeps recovery copies, signs, amends.

    Holds no widgets: the editor asks it and shows the outcome.
    """

    def __init__(
        self, context: AppContext, recovery: RecoveryKeeper, *, actor: Actor | None
    ) -> None:
        """``actor`` is the signed-in user who saves, signs and writes addenda."""
        self._context = context
        self._recovery = recovery
        self.actor = actor
        self._addenda = context.addenda
        self.patient: PatientRecord | None = None
        self.record: SessionRecord | None = None
        self.version: int | None = None
        self.saved_raw: RawSession | None = None
        self.database_saving_paused = False

    @property
    def session_id(self) -> int | None:
        return self.record.id if self.record is not None else None

    @property
    def is_draft(self) -> bool:
        return self.record is None or self.record.status is NoteStatus.DRAFT

    def start(self, patient: PatientRecord, record: SessionRecord | None) -> None:
        self.patient = patient
        self.record = record
        self.version = record.version if record is not None else None
        self.saved_raw = None
        self.database_saving_paused = False

    def loaded(self, raw: RawSession) -> None:
        """``raw`` is what the form shows for the stored (or new) session."""
        self.saved_raw = raw

    def adopt(self, recovered: RecoveredSession) -> None:
        """Continue from a recovery copy: saving checks against the version it was typed on."""
        if recovered.session_id is not None and recovered.version is not None:
            self.version = recovered.version

    def find_copy(self) -> RecoveredSession | None:
        if self.patient is None:
            return None
        return self._recovery.find(self.patient.id, self.session_id)

    def has_unsaved(self, raw: RawSession) -> bool:
        if self.patient is None or not self.is_draft:
            return False
        typed = typed_part(raw) != typed_part(self.saved_raw)
        return typed or (self.session_id is None and self.find_copy() is not None)

    def keep_copy(self, raw: RawSession) -> None:
        """Write the recovery copy of ``raw`` (raises OSError when the disk refuses)."""
        if self.patient is not None:
            self._recovery.write(self.patient.id, self.session_id, self.version, raw)

    def keep_copy_if_unsaved(self, raw: RawSession) -> bool:
        """Write the recovery copy of ``raw`` now if it holds typing not saved yet.

        For a crash: autosave waits for a pause in typing, and the last seconds must not be
        lost. True when a copy was written (raises OSError when the disk refuses).
        """
        if not self.has_unsaved(raw):
            return False
        self.keep_copy(raw)
        return True

    def forget_copy(self) -> None:
        if self.patient is not None:
            self._recovery.discard(self.patient.id, self.session_id)

    def save(self, raw: RawSession, reading: FormReading) -> SaveResult:
        """Create the draft (first time) or save it against the version it was opened at."""
        assert self.patient is not None
        try:
            if self.record is None:
                assert reading.provider_id is not None
                record = self._context.drafts.create(
                    self.patient.id, reading.provider_id, reading.entry, actor=self.actor
                )
            else:
                assert self.version is not None
                record = self._context.drafts.save(
                    self.record.id,
                    self.version,
                    reading.entry,
                    actor=self.actor,
                    provider_id=reading.provider_id,
                )
        except ConflictError as error:
            self.database_saving_paused = True
            return SaveResult(SaveOutcome.CONFLICT, error.message)
        except ValidationFailed as error:
            return SaveResult(SaveOutcome.REFUSED, error.message, error.problems)
        except UserError as error:
            return SaveResult(SaveOutcome.FAILED, error.message)
        if self.record is None:
            self._recovery.discard(self.patient.id, None)
        self.record = record
        self.version = record.version
        self.saved_raw = raw
        self._recovery.discard(self.patient.id, record.id)
        return SaveResult(SaveOutcome.SAVED)

    def take_latest_version(self) -> None:
        """After a conflict, save over the version stored elsewhere (the user chose to)."""
        assert self.record is not None
        self.version = self._context.sessions.load(self.record.id, actor=self.actor).version
        self.database_saving_paused = False
        self.saved_raw = None

    def sign(self, password: str) -> SessionRecord:
        """Sign the saved draft as the signed-in user, whose ``password`` is checked again."""
        assert self.record is not None and self.version is not None
        record = self._context.signing.sign(
            self.record.id, self.version, self._signer_id(), actor=self.actor, password=password
        )
        self.record = record
        self.version = record.version
        self.forget_copy()
        return record

    def add_addendum(self, text: str, password: str) -> SessionRecord:
        """Append an addendum signed by the signed-in user; returns the note with it."""
        assert self.record is not None
        addendum = self._addenda.add(
            self.record.id, self._signer_id(), text, actor=self.actor, password=password
        )
        self.record = replace(self.record, addenda=(*self.record.addenda, addendum))
        return self.record

    def _signer_id(self) -> int:
        if self.actor is None:
            raise PermissionDenied("Sign in first: only a signed-in clinician may sign.")
        return self.actor.user_id
