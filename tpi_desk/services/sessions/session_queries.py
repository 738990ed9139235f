"""Reading sessions: one whole note, a patient's latest, newest-first pages, live analysis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.analysis import SessionAnalysis, analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, SessionEntry, Side
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import InjectionSite, ProcedureSession
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import (
    OpenVial,
    SessionCursor,
    SessionPage,
    SessionRecord,
    SessionSummary,
)
from tpi_desk.services.errors import PermissionDenied
from tpi_desk.services.permissions import Action, Actor, authorize, may
from tpi_desk.services.sessions.open_vials import open_vials_between
from tpi_desk.services.sessions.record_mapping import patient_facts, provider_record
from tpi_desk.services.sessions.session_loading import (
    load_session_row,
    prior_sessions,
    session_record,
)
from tpi_desk.services.settings.clinic_settings import clinic_settings, coding_settings
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions a list shows; ``None`` means any."""

    patient_id: int | None = None
    provider_id: int | None = None
    status: NoteStatus | None = None
    performed_from: datetime | None = None
    performed_before: datetime | None = None


class SessionQueries:
    """Reading sessions. ``actor=None`` is the local operator of a command-line tool.

    Opening a note is audited; billing staff (no ``VIEW_DRAFTS``) see signed and
    entered-in-error notes only: lists leave drafts out and opening a draft is refused.
    """

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

    def load(self, session_id: int, *, actor: Actor | None = None) -> SessionRecord:
        """One whole note (audited as a view)."""
        with refusals_audited(self._session_factory, actor, "open a note", "session", session_id):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
            return run_unit_of_work(
                self._session_factory,
                "open the session",
                lambda db: _viewed(db, actor, load_session_row(db, session_id)),
            )

    def latest_for_patient(
        self,
        patient_id: int,
        *,
        before: datetime | None = None,
        exclude_session_id: int | None = None,
        signed_only: bool = False,
        actor: Actor | None = None,
    ) -> SessionRecord | None:
        """The patient's most recent session performed before ``before`` (any status but
        entered in error; only signed ones with ``signed_only``, as "copy forward" copies a
        note never a draft); None when there is none."""
        with refusals_audited(
            self._session_factory, actor, "open the last session", "patient", patient_id
        ):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        query = select(ProcedureSession.id).where(
            ProcedureSession.patient_id == patient_id,
            ProcedureSession.status != NoteStatus.ENTERED_IN_ERROR,
        )
        if signed_only or not may(actor, Action.VIEW_DRAFTS):
            query = query.where(ProcedureSession.status == NoteStatus.SIGNED)
        if before is not None:
            query = query.where(ProcedureSession.performed_at < before)
        if exclude_session_id is not None:
            query = query.where(ProcedureSession.id != exclude_session_id)
        query = query.order_by(
            ProcedureSession.performed_at.desc(), ProcedureSession.id.desc()
        ).limit(1)

        def work(db: Session) -> SessionRecord | None:
            latest_id = db.scalar(query)
            return (
                None if latest_id is None else _viewed(db, actor, load_session_row(db, latest_id))
            )

        return run_unit_of_work(self._session_factory, "find the last session", work)

    def open_vials(self, *, actor: Actor | None = None) -> list[OpenVial]:
        """The vials opened today (the clock's day, local time) in this clinic's sessions,
        drafts and signed: each drug, strength and lot once, the latest used first."""
        with refusals_audited(self._session_factory, actor, "list today's vials", "session"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        now = self._clock().astimezone()
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)
        with database_errors_as_user_errors("list today's vials"), self._session_factory() as db:
            return open_vials_between(db, start, end)

    def page(
        self,
        session_filter: SessionFilter = SessionFilter(),
        *,
        after: SessionCursor | None = None,
        limit: int = PAGE_SIZE,
        actor: Actor | None = None,
    ) -> SessionPage:
        """Up to ``limit`` sessions, newest first, starting after ``after`` (keyset paging)."""
        with refusals_audited(self._session_factory, actor, "list sessions", "session"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
            if session_filter.status is NoteStatus.DRAFT and not may(actor, Action.VIEW_DRAFTS):
                raise PermissionDenied("Billing staff see signed notes only, not drafts.")
        query = _summary_query(session_filter)
        if not may(actor, Action.VIEW_DRAFTS):
            query = query.where(ProcedureSession.status != NoteStatus.DRAFT)
        if after is not None:
            query = query.where(
                or_(
                    ProcedureSession.performed_at < after.performed_at,
                    and_(
                        ProcedureSession.performed_at == after.performed_at,
                        ProcedureSession.id < after.id,
                    ),
                )
            )
        query = query.order_by(
            ProcedureSession.performed_at.desc(), ProcedureSession.id.desc()
        ).limit(limit + 1)
        with database_errors_as_user_errors("list sessions"), self._session_factory() as db:
            rows = db.execute(query).all()
            more = len(rows) > limit
            rows = rows[:limit]
            sites = sites_by_session(db, [row.id for row in rows])
        summaries = tuple(
            SessionSummary(
                id=row.id,
                patient_id=row.patient_id,
                patient_name=f"{row.family_name}, {row.given_name}",
                mrn=row.mrn,
                provider_name=row.display_name,
                performed_at=row.performed_at,
                kind=row.kind,
                status=row.status,
                muscle_ids=tuple(dict.fromkeys(muscle for muscle, _ in sites.get(row.id, ()))),
                pain_before=row.pain_before,
                pain_after=row.pain_after,
                sites=tuple(sites.get(row.id, ())),
                prior_relief_percent=row.prior_relief_percent,
                prior_relief_weeks=row.prior_relief_weeks,
            )
            for row in rows
        )
        cursor = None
        if more and summaries:
            last = summaries[-1]
            cursor = SessionCursor(performed_at=last.performed_at, id=last.id)
        return SessionPage(rows=summaries, next_cursor=cursor)

    def analyse(
        self,
        entry: SessionEntry,
        patient_id: int,
        *,
        session_id: int | None = None,
        provider_id: int | None = None,
        actor: Actor | None = None,
    ) -> SessionAnalysis:
        """Codes, doses, alerts and checklist for ``entry`` with the patient's history."""
        with refusals_audited(self._session_factory, actor, "check a session", "session"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        with database_errors_as_user_errors("check the session"), self._session_factory() as db:
            patient = db.get(Patient, patient_id)
            facts = patient_facts(patient) if patient is not None else None
            history = prior_sessions(
                db, patient_id, entry.performed_at, exclude_session_id=session_id
            )
            settings = coding_settings(db)
            safety = clinic_settings(db).safety
            provider = db.get(User, provider_id) if provider_id is not None else None
            provider_facts = provider_record(provider).facts if provider is not None else None
        return analyse_session(
            entry,
            self._catalog,
            patient=facts,
            history=history,
            settings=settings,
            today=self._clock().date(),
            provider=provider_facts,
            safety=safety,
        )


def _viewed(db: Session, actor: Actor | None, row: ProcedureSession) -> SessionRecord:
    """The record of ``row``, after checking the actor may see it and auditing the view."""
    if row.status is NoteStatus.DRAFT and not may(actor, Action.VIEW_DRAFTS):
        raise PermissionDenied(
            f"Session #{row.id} is a draft; billing staff see signed notes only."
        )
    record_event(db, actor, AuditAction.VIEW, "session", row.id, patient_id=row.patient_id)
    return session_record(row)


def _summary_query(session_filter: SessionFilter) -> Select[tuple[object, ...]]:
    query: Select[tuple[object, ...]] = (
        select(
            ProcedureSession.id,
            ProcedureSession.patient_id,
            ProcedureSession.performed_at,
            ProcedureSession.kind,
            ProcedureSession.status,
            ProcedureSession.pain_before,
            ProcedureSession.pain_after,
            ProcedureSession.prior_relief_percent,
            ProcedureSession.prior_relief_weeks,
            Patient.family_name,
            Patient.given_name,
            Patient.mrn,
            User.display_name,
        )
        .join(Patient, Patient.id == ProcedureSession.patient_id)
        .join(User, User.id == ProcedureSession.provider_id)
    )
    if session_filter.patient_id is not None:
        query = query.where(ProcedureSession.patient_id == session_filter.patient_id)
    if session_filter.provider_id is not None:
        query = query.where(ProcedureSession.provider_id == session_filter.provider_id)
    if session_filter.status is not None:
        query = query.where(ProcedureSession.status == session_filter.status)
    if session_filter.performed_from is not None:
        query = query.where(ProcedureSession.performed_at >= session_filter.performed_from)
    if session_filter.performed_before is not None:
        query = query.where(ProcedureSession.performed_at < session_filter.performed_before)
    return query


def sites_by_session(db: Session, session_ids: list[int]) -> dict[int, list[tuple[str, Side]]]:
    """Each session's sites (muscle and side) in the note's order."""
    found: dict[int, list[tuple[str, Side]]] = defaultdict(list)
    if not session_ids:
        return found
    query = (
        select(InjectionSite.session_id, InjectionSite.muscle_id, InjectionSite.side)
        .where(InjectionSite.session_id.in_(session_ids))
        .order_by(InjectionSite.session_id, InjectionSite.position)
    )
    for session_id, muscle_id, side in db.execute(query):
        found[session_id].append((muscle_id, side))
    return found


def muscles_by_session(db: Session, session_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not session_ids:
        return found
    query = (
        select(InjectionSite.session_id, InjectionSite.muscle_id)
        .where(InjectionSite.session_id.in_(session_ids))
        .order_by(InjectionSite.session_id, InjectionSite.position)
    )
    for session_id, muscle_id in db.execute(query):
        if muscle_id not in found[session_id]:
            found[session_id].append(muscle_id)
    return found
