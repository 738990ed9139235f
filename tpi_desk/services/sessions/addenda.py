"""Addenda: dated, authored amendments, signed (password again, hash-chained) on creation;
the signed note itself never changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.people import User
from tpi_desk.models.procedures import Addendum, ProcedureSession, SignedRecordKind
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import AddendumRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, UserError, ValidationFailed
from tpi_desk.services.integrity.integrity import addendum_content, person_part
from tpi_desk.services.integrity.key_registry import UnlockedKeys
from tpi_desk.services.integrity.key_signed_links import KeySignedLinks
from tpi_desk.services.people.login import Authenticator
from tpi_desk.services.permissions import (
    CLINICAL_ROLES,
    Action,
    Actor,
    authorize,
    require_kind,
    signed_in,
)
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import addendum_record
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

MAX_ADDENDUM_LENGTH = 20_000
ADDENDUM_TEXT_PATH = "addendum.text"
ADDENDUM_TEXT_LABEL = "Addendum"


class AddendumNotAllowed(UserError):
    """The note is a draft (edit it instead) or was entered in error."""


class AddendumService:
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

    def add(
        self, session_id: int, author_id: int, text: str, *, actor: Actor | None, password: str
    ) -> AddendumRecord:
        """Append ``text`` to a signed note as the signed-in ``actor`` (``author_id`` must be
        theirs), signed and dated now after checking their ``password`` again."""
        with refusals_audited(
            self._session_factory, actor, "add an addendum", "session", session_id
        ):
            clinician = signed_in(actor, Action.AUTHOR_SESSION)
            authorize(clinician, Action.SIGN_SESSION)
            if clinician.user_id != author_id:
                raise PermissionDenied(
                    "An addendum can only be written by the signed-in clinician."
                )
            checked = _checked_text(text)
            self._auth.confirm(clinician, password, purpose="sign the addendum")
            return run_unit_of_work(
                self._session_factory,
                "add the addendum",
                lambda db: self._add(db, session_id, checked, clinician, password),
            )

    def _add(
        self, db: Session, session_id: int, text: str, actor: Actor, password: str
    ) -> AddendumRecord:
        note = db.get(ProcedureSession, session_id)
        if note is None:
            raise NotFound(f"Session #{session_id} does not exist.")
        if note.status is NoteStatus.DRAFT:
            raise AddendumNotAllowed("A draft is edited directly; addenda are for signed notes.")
        if note.status is not NoteStatus.SIGNED:
            raise AddendumNotAllowed(
                f"Session #{session_id} was entered in error; it takes no addenda."
            )
        author = _active_clinician(db, actor.user_id)
        require_kind(author.role, author.credentials, author.display_name, note.kind, doing="amend")
        now = self._clock().astimezone(UTC)  # as the database gives it back
        # By id, not ``session=note``: the signed note's row is not touched at all.
        row = Addendum(session_id=note.id, author=author, text=text, created_at=now, signed_at=now)
        db.add(row)
        db.flush()
        signature = self._links.append(
            db,
            SignedRecordKind.ADDENDUM,
            author,
            password,
            record_id=row.id,
            session_id=note.id,
            signed_at=now,
            content=addendum_content(
                addendum_id=row.id,
                session_id=note.id,
                author_id=author.id,
                author=person_part(provider_record(author).facts),
                text=text,
                created_at=now,
                signed_at=now,
                note_content_hash=note.content_hash,
            ),
        )
        record_event(
            db,
            actor,
            AuditAction.ADDENDUM,
            "addendum",
            row.id,
            f"on session #{note.id}; content hash {signature.content_hash}",
            patient_id=note.patient_id,
            at=now,
        )
        db.refresh(row, ["signature"])
        return addendum_record(row)

    def list_for(self, session_id: int, *, actor: Actor | None = None) -> list[AddendumRecord]:
        """The note's addenda, oldest first (a draft has none)."""
        with refusals_audited(
            self._session_factory, actor, "list the addenda", "session", session_id
        ):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        query = (
            select(Addendum)
            .where(Addendum.session_id == session_id)
            .options(joinedload(Addendum.author), selectinload(Addendum.signature))
            .order_by(Addendum.created_at, Addendum.id)
        )
        with database_errors_as_user_errors("list the addenda"), self._session_factory() as db:
            return [addendum_record(row) for row in db.scalars(query)]


def _checked_text(text: str) -> str:
    """``text`` without surrounding whitespace, or ValidationFailed naming the field."""
    stripped = text.strip()
    if not stripped:
        message = "is required"
    elif len(stripped) > MAX_ADDENDUM_LENGTH:
        message = f"must be at most {MAX_ADDENDUM_LENGTH:,} characters (it has {len(stripped):,})"
    else:
        return stripped
    raise ValidationFailed([FieldProblem(ADDENDUM_TEXT_PATH, ADDENDUM_TEXT_LABEL, message)])


def _active_clinician(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None or not user.active:
        raise PermissionDenied("Your account does not exist or is disabled.")
    if user.role not in CLINICAL_ROLES:
        raise PermissionDenied("Only physicians and nurse practitioners write addenda.")
    return user
