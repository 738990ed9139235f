"""Lot recall (issue 15): every medication line given from a lot, across all sessions.

One indexed query (migration 0009: the lot's key, then the NDC) joins each line to its site,
session, patient and clinician; a lot used for a month of a busy clinic (thousands of lines)
answers in milliseconds. Every search is audited as a view of the list (one entry naming
the lot and what was found); writing the list to a file is audited as an export.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.lot_recall import (
    LotRecall,
    RecallLine,
    lot_key,
    lot_search_problems,
    searched_ndc,
)
from tpi_desk.clinical.record import NoteStatus, Side
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    lot_key_sql,
)
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize, may
from tpi_desk.services.settings.clinic_settings import clinic_settings
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

SUGGESTIONS = 12
PAGE_SIZE = 200
RECORD_TYPE = "lot_recall"
_SIDES = {
    Side.LEFT: "left",
    Side.RIGHT: "right",
    Side.BILATERAL: "bilateral",
    Side.MIDLINE: "midline",
}


class LotRecallService:
    """Searches by lot (and NDC); readers are every role that sees clinical records.

    ``actor=None`` is the local operator of a command-line tool. Readers who may not open
    drafts (billing, administrators) get signed and entered-in-error notes only, and the
    count of the drafts left out.
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

    def search(
        self,
        lot: str,
        *,
        ndc: str = "",
        actor: Actor | None = None,
        first: int | None = PAGE_SIZE,
    ) -> LotRecall:
        """The lines given from ``lot`` (compared by its key), of ``ndc`` if given; audited.

        ``first``: how many of the newest lines to return with the counts (a screen's first
        page; ``lines_after`` gives the rest); None: every line (a list to save or print).
        A blank lot or an NDC that is not one raises ValidationFailed naming the field.
        """
        key, wanted_ndc = _checked_request(lot, ndc)
        with refusals_audited(self._session_factory, actor, "search a drug lot", RECORD_TYPE):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        matching = LotMatching(key, wanted_ndc, with_drafts=may(actor, Action.VIEW_DRAFTS))

        def work(db: Session) -> LotRecall:
            lines, total, sessions, patients = matching.count(db)
            recall = LotRecall(
                lot=key,
                ndc=wanted_ndc,
                lines=self._lines(db, matching, 0, first),
                line_count=lines,
                session_count=sessions,
                patient_count=patients,
                searched_at=self._clock(),
                drafts_not_shown=total - sessions,
            )
            record_event(
                db, actor, AuditAction.VIEW, RECORD_TYPE, None, _detail(recall), at=self._clock()
            )
            return recall

        return run_unit_of_work(self._session_factory, "search the drug lot", work)

    def lines_after(
        self, recall: LotRecall, shown: int, *, actor: Actor | None = None, count: int = PAGE_SIZE
    ) -> tuple[RecallLine, ...]:
        """The next ``count`` lines of ``recall`` after the ``shown`` newest (a screen
        scrolling down the list its search returned: audited with that search)."""
        with refusals_audited(self._session_factory, actor, "search a drug lot", RECORD_TYPE):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        matching = LotMatching(recall.lot, recall.ndc, with_drafts=may(actor, Action.VIEW_DRAFTS))
        with database_errors_as_user_errors("search the drug lot"), self._session_factory() as db:
            return self._lines(db, matching, shown, count)

    def save_list(self, recall: LotRecall, path: Path, *, actor: Actor | None = None) -> None:
        """Write the whole list of ``recall`` to ``path``: a PDF for ``.pdf``, else CSV.

        Audited as an export of the list. ``recall`` must hold every line (``first=None``);
        an unwritable path is a UserError naming it.
        """
        # ReportLab loads with the first list saved, not with the screen.
        from tpi_desk.reports.lot_recall_list import write_recall_csv, write_recall_pdf

        with refusals_audited(self._session_factory, actor, "save a lot recall", RECORD_TYPE):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        as_pdf = path.suffix.lower() == ".pdf"
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            clinic_name = clinic_settings(db).clinic_name
        try:
            if as_pdf:
                write_recall_pdf(recall, clinic_name, path)
            else:
                write_recall_csv(recall, path)
        except OSError as error:
            raise UserError(f"Cannot write {path}: {error.strerror or error}.") from None
        destination = f"{'PDF' if as_pdf else 'CSV'} {path.name}"
        run_unit_of_work(
            self._session_factory,
            "record the saved list",
            lambda db: record_event(
                db,
                actor,
                AuditAction.EXPORT,
                RECORD_TYPE,
                None,
                f"{destination}; {_detail(recall)}",
                at=self._clock(),
            ),
        )

    def suggest(self, prefix: str, *, limit: int = SUGGESTIONS) -> list[str]:
        """Known lot keys starting with ``prefix``'s key, in order (type-ahead; names no
        patient, so not audited). One index seek per lot, however many lines each has."""
        start = lot_key(prefix)
        if not start:
            return []
        key = lot_key_sql(MedicationLine.lot)
        found: list[str] = []
        with database_errors_as_user_errors("look up lots"), self._session_factory() as db:
            after: str | None = None
            while len(found) < limit:
                query = select(func.min(key)).where(key >= start)
                if after is not None:
                    query = query.where(key > after)
                following = db.scalar(query)
                if following is None or not following.startswith(start):
                    break
                found.append(following)
                after = following
        return found

    def _lines(
        self, db: Session, matching: LotMatching, skip: int, count: int | None
    ) -> tuple[RecallLine, ...]:
        """The lines newest first: a page is ordered over the ids alone (three indexed
        tables), then only its own lines are joined to patients and clinicians."""
        if count is None:
            rows = db.execute(matching.ordered(_details_query())).all()
            return tuple(self._line(row) for row in rows)
        ids = list(db.scalars(matching.line_ids().offset(skip).limit(count)))
        if not ids:
            return ()
        by_id = {
            row.line_id: row
            for row in db.execute(_details_query().where(MedicationLine.id.in_(ids)))
        }
        return tuple(self._line(by_id[line_id]) for line_id in ids)

    def _line(self, row: object) -> RecallLine:
        r: _Row = row  # type: ignore[assignment]
        concentration: Decimal = r.concentration_mg_per_ml
        volume: Decimal = r.volume_ml
        return RecallLine(
            session_id=r.session_id,
            performed_at=r.performed_at.astimezone(_clock_of(r.performed_at_offset_minutes)),
            patient_id=r.patient_id,
            patient_mrn=r.mrn,
            patient_name=f"{r.family_name}, {r.given_name}",
            date_of_birth=r.date_of_birth,
            site=self._site_name(r.muscle_id, r.side),
            location=f"{r.location_name}, {r.location_state}"
            if r.location_name and r.location_state
            else r.location_name or r.location_state,
            drug=self._drug_name(r.drug_id),
            dose=_plain(concentration * volume),
            unit="mg",
            volume_ml=_plain(volume),
            lot=r.lot,
            expires=r.expires,
            ndc=r.ndc,
            clinician=f"{r.display_name}, {r.credentials}" if r.credentials else r.display_name,
            note_status=r.status,
        )

    def _site_name(self, muscle_id: str, side: Side) -> str:
        """ "Upper trapezius, left" (the catalog's name; the id for a muscle it lacks)."""
        muscle = self._catalog.muscles.get(muscle_id)
        return f"{muscle.name if muscle else muscle_id}, {_SIDES[side]}"

    def _drug_name(self, drug_id: str) -> str:
        drug = self._catalog.drugs.get(drug_id)
        return drug.name if drug else drug_id


@cache
def _clock_of(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def _plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, never in exponent form (20.000 -> 20, not 2E+1)."""
    reduced = value.normalize()
    return reduced.quantize(Decimal(1)) if reduced.as_tuple().exponent > 0 else reduced  # type: ignore[operator]


class _Row:
    """The columns of ``_lines_query`` (for the type checker)."""

    session_id: int
    performed_at: datetime
    performed_at_offset_minutes: int
    status: NoteStatus
    location_name: str
    location_state: str
    patient_id: int
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    muscle_id: str
    side: Side
    drug_id: str
    concentration_mg_per_ml: Decimal
    volume_ml: Decimal
    lot: str
    expires: date | None
    ndc: str
    display_name: str
    credentials: str


def _checked_request(lot: str, ndc: str) -> tuple[str, str]:
    problems = lot_search_problems(lot, ndc)
    if problems:
        raise ValidationFailed(problems)
    return lot_key(lot), searched_ndc(ndc)


class LotMatching:
    """The lines of one search: the lot's key (over its index), the NDC, drafts or not."""

    def __init__(self, key: str, ndc: str, *, with_drafts: bool) -> None:
        self._key = key
        self._ndc = ndc
        self._with_drafts = with_drafts

    def where(self, query: Select[Any], *, drafts: bool | None = None) -> Select[Any]:
        query = query.where(lot_key_sql(MedicationLine.lot) == self._key)
        if self._ndc:
            query = query.where(MedicationLine.ndc == self._ndc)
        if not (self._with_drafts if drafts is None else drafts):
            query = query.where(ProcedureSession.status != NoteStatus.DRAFT)
        return query

    def ordered(self, query: Select[Any]) -> Select[Any]:
        """``query`` (joined from the lines to their sessions) narrowed, newest first."""
        return self.where(query).order_by(
            ProcedureSession.performed_at.desc(),
            ProcedureSession.id.desc(),
            InjectionSite.position,
            MedicationLine.position,
        )

    def line_ids(self) -> Select[tuple[int]]:
        """The ids of the lines, newest first (the lot's index, then two primary keys)."""
        return self.ordered(_to_sessions(select(MedicationLine.id)))

    def count(self, db: Session) -> tuple[int, int, int, int]:
        """(lines, sessions with drafts, sessions, patients) this reader may see."""
        shown = true() if self._with_drafts else ProcedureSession.status != NoteStatus.DRAFT
        query = _to_sessions(
            select(
                func.count(MedicationLine.id).filter(shown),
                func.count(ProcedureSession.id.distinct()),
                func.count(ProcedureSession.id.distinct()).filter(shown),
                func.count(ProcedureSession.patient_id.distinct()).filter(shown),
            )
        )
        lines, total, sessions, patients = db.execute(self.where(query, drafts=True)).one()
        return int(lines), int(total), int(sessions), int(patients)


def _to_sessions(query: Select[Any]) -> Select[Any]:
    """``query`` from the lines, joined to their sites and sessions."""
    return (
        query.select_from(MedicationLine)
        .join(InjectionSite, MedicationLine.site_id == InjectionSite.id)
        .join(ProcedureSession, InjectionSite.session_id == ProcedureSession.id)
    )


def _details_query() -> Select[Any]:
    """Everything a recall line shows, joined from the line (narrowed by the caller)."""
    return (
        _to_sessions(
            select(
                MedicationLine.id.label("line_id"),
                ProcedureSession.id.label("session_id"),
                ProcedureSession.performed_at,
                ProcedureSession.performed_at_offset_minutes,
                ProcedureSession.status,
                ProcedureSession.location_name,
                ProcedureSession.location_state,
                Patient.id.label("patient_id"),
                Patient.mrn,
                Patient.family_name,
                Patient.given_name,
                Patient.date_of_birth,
                InjectionSite.muscle_id,
                InjectionSite.side,
                MedicationLine.drug_id,
                MedicationLine.concentration_mg_per_ml,
                MedicationLine.volume_ml,
                MedicationLine.lot,
                MedicationLine.expires,
                MedicationLine.ndc,
                User.display_name,
                User.credentials,
            )
        )
        .join(Patient, ProcedureSession.patient_id == Patient.id)
        .join(User, ProcedureSession.provider_id == User.id)
    )


def _detail(recall: LotRecall) -> str:
    return f"{recall.title()}: {recall.summary()}"
