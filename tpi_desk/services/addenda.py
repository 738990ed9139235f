"""Addenda: dated, authored amendments signed on creation; the signed note never changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.people import User
from tpi_desk.models.procedures import Addendum, ProcedureSession
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.dto import AddendumRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, UserError, ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.session_loading import addendum_record

MAX_ADDENDUM_LENGTH = 20_000
ADDENDUM_TEXT_PATH = "addendum.text"
ADDENDUM_TEXT_LABEL = "Addendum"
CLINICAL_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})


class AddendumNotAllowed(UserError):
    """The note is a draft (edit it instead) or was entered in error."""


class AddendumService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def add(
        self, session_id: int, author_id: int, text: str, *, actor: Actor | None = None
    ) -> AddendumRecord:
        """Append ``text`` to a signed note as ``author_id``, signed and dated now."""
        authorize(actor, Action.AUTHOR_SESSION)
        authorize(actor, Action.SIGN_SESSION)
        if actor is not None and actor.user_id != author_id:
            raise PermissionDenied("An addendum can only be written by the signed-in clinician.")
        text = _checked_text(text)
        with (
            database_errors_as_user_errors("add the addendum"),
            self._session_factory.begin() as db,
        ):
            note = db.get(ProcedureSession, session_id)
            if note is None:
                raise NotFound(f"Session #{session_id} does not exist.")
            if note.status is NoteStatus.DRAFT:
                raise AddendumNotAllowed(
                    "A draft is edited directly; addenda are for signed notes."
                )
            if note.status is not NoteStatus.SIGNED:
                raise AddendumNotAllowed(
                    f"Session #{session_id} was entered in error; it takes no addenda."
                )
            author = _active_clinician(db, author_id)
            now = self._clock().astimezone(UTC)  # as the database gives it back
            # By id, not ``session=note``: the signed note's row is not touched at all.
            row = Addendum(
                session_id=note.id, author=author, text=text, created_at=now, signed_at=now
            )
            db.add(row)
            db.flush()
            return addendum_record(row)

    def list_for(self, session_id: int, *, actor: Actor | None = None) -> list[AddendumRecord]:
        """The note's addenda, oldest first."""
        authorize(actor, Action.VIEW_CLINICAL)
        query = (
            select(Addendum)
            .where(Addendum.session_id == session_id)
            .options(joinedload(Addendum.author))
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
        raise NotFound("The author's account does not exist or is disabled.")
    if user.role not in CLINICAL_ROLES:
        raise PermissionDenied("Only physicians and nurse practitioners write addenda.")
    return user
