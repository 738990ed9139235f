"""Billing export: choose the notes (dates, provider, status, patient) and write the batch.

``ExportService.export`` is the one entry point for the CLI and the export dialog. It runs
happily in a worker thread: ``progress(done, total)`` is called from that thread after each
note (connect it to a Qt signal) and ``cancelled()`` is polled before each note.

Notes stream: the matching session ids are listed first with the keyset-paged session
queries (a few bytes per session, and the total the progress bar needs), then each chunk of
``LOAD_CHUNK`` sessions is loaded, analysed and mapped to the reports' ``NoteData`` only
when the batch writer asks for it, in its own short read. Memory does not grow with the
number of notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.people import User
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.reports.aftercare_handout import handout_languages as handout_languages
from tpi_desk.reports.aftercare_handout import render_aftercare_handout
from tpi_desk.reports.batch_export import CancelCheck, ExportError, Progress
from tpi_desk.reports.batch_export import ExportSummary as ExportSummary  # what export returns
from tpi_desk.reports.batch_export import export_batch as write_batch
from tpi_desk.reports.batch_parts import export_parts
from tpi_desk.reports.note_data import (
    ClinicHeader,
    NoteData,
)
from tpi_desk.services.audit.events import MAX_EXPORT_IDS, AuditService, refusals_audited
from tpi_desk.services.dto import SessionCursor
from tpi_desk.services.errors import NotFound, UserError
from tpi_desk.services.export.note_loading import DEFAULT_CLINIC_NAME as DEFAULT_CLINIC_NAME
from tpi_desk.services.export.note_loading import clinic_header, load_notes
from tpi_desk.services.export.note_loading import note_data as note_data  # tests use it
from tpi_desk.services.export.note_pdf import NotePdf, render_note_pdf
from tpi_desk.services.export.parallel_export import (
    MIN_PARALLEL_NOTES,
    ParallelRender,
    usable_cores,
)
from tpi_desk.services.integrity.export_manifest import write_export_manifest
from tpi_desk.services.permissions import Action, Actor, authorize

# The eager loads of one whole session, kept in one place; exports load them chunk by chunk.
from tpi_desk.services.sessions.session_queries import SessionFilter, SessionQueries
from tpi_desk.services.settings.clinic_settings import clinic_settings
from tpi_desk.services.settings.demo_database import is_demo_database
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

ID_PAGE = 500
LOAD_CHUNK = 50
# A session's date of service is its date on the clinician's clock, whose UTC offset is
# stored with it and lies between UTC-12:00 and UTC+14:00. The database is asked for a UTC
# window widened by those offsets; each session's own local date then decides.
EARLIEST_OFFSET = timedelta(hours=14)
LATEST_OFFSET = timedelta(hours=12)


class ExportStatus(StrEnum):
    SIGNED = "signed"
    ALL = "all"


class ExportDestination(StrEnum):
    """The kinds of output an export can write, as the audit trail names them."""

    MERGED_PDF = "merged PDF"
    PDF_PER_NOTE = "PDF per note"
    CSV = "claims CSV"
    JSON = "session documents JSON"


@dataclass(frozen=True, slots=True)
class ExportCriteria:
    """Which notes to export: dates of service (clinic-local, both days included) and more."""

    date_from: date
    date_to: date
    provider_username: str | None = None
    status: ExportStatus = ExportStatus.SIGNED
    patient_id: int | None = None

    def describe(self) -> str:
        """ "signed notes by ihartley from 2026-03-01 to 2026-03-31" (for messages)."""
        kind = "signed notes" if self.status is ExportStatus.SIGNED else "notes"
        by = f" by {self.provider_username}" if self.provider_username else ""
        of = " of the chosen patient" if self.patient_id is not None else ""
        days = f"from {self.date_from.isoformat()} to {self.date_to.isoformat()}"
        return f"{kind}{by}{of} {days}"


@dataclass(frozen=True, slots=True)
class AftercareHandout:
    """A patient's aftercare handout, rendered from a signed note (issue 14)."""

    session_id: int
    language: str
    file_name: str  # "2026-03-04_session-101_aftercare-es.pdf"
    pdf: bytes


class NothingToExport(UserError):
    """No note matches the export criteria; nothing was written."""


class ExportFailed(UserError):
    """An output could not be written (unwritable path, disk full); nothing was written."""


class ExportSelection:
    """The notes an export will write, oldest first; iterating loads them chunk by chunk."""

    def __init__(
        self,
        criteria: ExportCriteria,
        session_ids: Sequence[int],
        load: Callable[[Sequence[int]], list[NoteData]],
    ) -> None:
        self.criteria = criteria
        self.session_ids = tuple(session_ids)
        self._load = load

    def __len__(self) -> int:
        return len(self.session_ids)

    def __iter__(self) -> Iterator[NoteData]:
        for start in range(0, len(self.session_ids), LOAD_CHUNK):
            yield from self._load(self.session_ids[start : start + LOAD_CHUNK])


class ExportService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        workers: int | None = None,
    ) -> None:
        """``workers``: processes rendering a large merged PDF (None: the usable cores;
        1: render in this process)."""
        self._session_factory = session_factory
        self._catalog = catalog
        self._clock = clock
        self._workers = usable_cores() if workers is None else workers
        self._queries = SessionQueries(session_factory, catalog, clock=clock)
        self._audit = AuditService(session_factory, clock=clock)

    def select(self, criteria: ExportCriteria, *, actor: Actor | None = None) -> ExportSelection:
        """The matching notes, oldest first (by time performed, then id); none loaded yet.

        ``actor`` None is the operator of the local command line (``tpi-desk export``).
        Drafts (``ExportStatus.ALL``) are only for those who may see drafts.
        """
        with refusals_audited(self._session_factory, actor, "export notes", "session"):
            authorize(actor, Action.EXPORT_NOTES, local_operator=True)
            if criteria.status is ExportStatus.ALL:
                authorize(actor, Action.VIEW_DRAFTS, local_operator=True)
        if criteria.date_from > criteria.date_to:
            raise UserError(
                f"The first day {criteria.date_from.isoformat()} is after the last day "
                f"{criteria.date_to.isoformat()}."
            )
        session_filter = SessionFilter(
            patient_id=criteria.patient_id,
            provider_id=self._provider_id(criteria.provider_username),
            status=NoteStatus.SIGNED if criteria.status is ExportStatus.SIGNED else None,
            performed_from=_utc_midnight(criteria.date_from) - EARLIEST_OFFSET,
            performed_before=_utc_midnight(criteria.date_to + timedelta(days=1)) + LATEST_OFFSET,
        )
        ids = self._session_ids(session_filter, criteria, actor)
        return ExportSelection(criteria, ids, self._load_notes)

    def export(
        self,
        criteria: ExportCriteria,
        *,
        merged_pdf: Path | None = None,
        pdf_dir: Path | None = None,
        csv_path: Path | None = None,
        json_path: Path | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        actor: Actor | None = None,
    ) -> ExportSummary:
        """Write the matching notes to the outputs given (see ``export_batch``).

        Raises NothingToExport when no note matches ("No signed notes from ... to ...") and
        ExportFailed when an output cannot be written; either way nothing is written. The
        export is written to the audit trail (one entry per note) once every output is
        complete and before any is renamed into place; if that fails, nothing is written.
        """
        selection = self.select(criteria, actor=actor)
        if not selection:
            raise NothingToExport(f"No {criteria.describe()}.")
        if len(selection) > MAX_EXPORT_IDS:
            raise UserError(
                f"{len(selection):,} notes match; export at most {MAX_EXPORT_IDS:,} at once "
                "(choose fewer days)."
            )
        destinations = ", ".join(_destinations(merged_pdf, pdf_dir, csv_path, json_path))

        def audit(session_ids: tuple[str, ...]) -> None:
            ids = [int(session_id) for session_id in session_ids]
            self._audit.record_export(actor, ids, destinations)

        try:
            if merged_pdf is not None and pdf_dir is None and self._parallel(selection):
                summary = self._export_in_parallel(
                    selection, merged_pdf, csv_path, json_path, progress, cancelled, audit
                )
            else:
                summary = write_batch(
                    selection,
                    merged_pdf=merged_pdf,
                    pdf_dir=pdf_dir,
                    csv_path=csv_path,
                    json_path=json_path,
                    progress=progress,
                    cancelled=cancelled,
                    before_commit=audit,
                    file_names_with_patient=self._file_names_with_patient(),
                )
        except ExportError as error:
            raise ExportFailed(error.message) from error
        if summary.files:  # the batch's anchor outside the database (issue 13)
            self._write_manifest(summary, merged_pdf, pdf_dir, csv_path, json_path)
        return summary

    def _parallel(self, selection: ExportSelection) -> bool:
        database = self._session_factory.kw["bind"].url.database
        in_memory = database in (None, "", ":memory:")  # worker processes cannot see it
        return self._workers > 1 and len(selection) >= MIN_PARALLEL_NOTES and not in_memory

    def _export_in_parallel(
        self,
        selection: ExportSelection,
        merged_pdf: Path,
        csv_path: Path | None,
        json_path: Path | None,
        progress: Progress | None,
        cancelled: CancelCheck | None,
        audit: Callable[[tuple[str, ...]], None],
    ) -> ExportSummary:
        """The merged PDF (and CSV, JSON) with the notes laid out in worker processes."""
        engine = self._session_factory.kw["bind"]
        render = ParallelRender(
            database_url=engine.url.render_as_string(hide_password=False),
            catalog=self._catalog,
            workers=self._workers,
            generated_at=self._clock(),
            with_json=json_path is not None,
            progress=progress,
            cancelled=cancelled or (lambda: False),
            session_factory=self._session_factory,
        )
        return export_parts(
            lambda scratch: render.parts(selection.session_ids, scratch),
            merged_pdf=merged_pdf,
            csv_path=csv_path,
            json_path=json_path,
            cancelled=cancelled,
            before_commit=audit,
        )

    def _write_manifest(self, summary: ExportSummary, *outputs: Path | None) -> None:
        first = next(path for path in outputs if path is not None)
        try:
            write_export_manifest(
                self._session_factory, first, summary.files, summary.session_ids,
                at=datetime.now(UTC),
            )  # fmt: skip
        except OSError as error:
            raise ExportFailed(
                f"The notes were exported, but the export's manifest could not be written "
                f"beside {first} ({error.strerror or error})."
            ) from error

    def note_pdf(self, session_id: int, *, actor: Actor | None = None) -> NotePdf:
        """The note of ``session_id`` as the billing export would render it, analysed with
        the patient's history; loading it is an audited view. Raises UserError (not found,
        not allowed, database)."""
        record = self._queries.load(session_id, actor=actor)
        analysis = self._queries.analyse(
            record.entry, record.patient.id, session_id=record.id, actor=actor
        )
        data = note_data(
            record,
            analysis=analysis,
            catalog=self._catalog,
            clinic=self.clinic_header(),
            location=self.clinic_location(),
            generated_at=self._clock(),
        )
        return render_note_pdf(data, file_names_with_patient=self._file_names_with_patient())

    def aftercare_handout(
        self, session_id: int, language: str, *, actor: Actor | None = None
    ) -> AftercareHandout:
        """The patient's aftercare handout of the signed note ``session_id`` in ``language``
        (``handout_languages()``); loading the note is an audited view. Raises UserError for
        a draft, a note entered in error, or one the actor may not see."""
        record = self._queries.load(session_id, actor=actor)
        if record.status is not NoteStatus.SIGNED:
            raise UserError("An aftercare handout is printed from a signed note only.")
        analysis = self._queries.analyse(
            record.entry, record.patient.id, session_id=record.id, actor=actor
        )
        data = note_data(
            record,
            analysis=analysis,
            catalog=self._catalog,
            clinic=self.clinic_header(),
            location=self.clinic_location(),
            generated_at=self._clock(),
        )
        day = record.entry.performed_at.date().isoformat()
        return AftercareHandout(
            session_id=record.id,
            language=language,
            file_name=f"{day}_session-{record.id}_aftercare-{language}.pdf",
            pdf=render_aftercare_handout(data, language),
        )

    def record_print(self, note: NotePdf, *, actor: Actor | None = None) -> None:
        """Write the print (or the save as a PDF) of ``note`` to the audit log; raises
        UserError when ``actor`` may not print notes."""
        self._audit.record_print(actor, note.session_id)

    def record_session_print(self, session_id: int, *, actor: Actor | None = None) -> None:
        """Write a print made from the note ``session_id`` (its aftercare handout) to the
        audit log; raises UserError when ``actor`` may not print notes."""
        self._audit.record_print(actor, session_id)

    def clinic_header(self) -> ClinicHeader:
        """The clinic as notes print it (name, address, phone, logo from the settings)."""
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return clinic_header(clinic_settings(db), demo=is_demo_database(db))

    def _file_names_with_patient(self) -> bool:
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return clinic_settings(db).file_names_with_patient

    def clinic_location(self) -> str:
        """Where procedures are performed, as notes print it ("" when not set)."""
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return clinic_settings(db).location_for_notes

    def _provider_id(self, username: str | None) -> int | None:
        if username is None:
            return None
        with database_errors_as_user_errors("find the provider"), self._session_factory() as db:
            provider_id = db.scalar(select(User.id).where(User.username == username))
        if provider_id is None:
            raise NotFound(f"There is no provider with the username {username!r}.")
        return provider_id

    def _session_ids(
        self, session_filter: SessionFilter, criteria: ExportCriteria, actor: Actor | None
    ) -> list[int]:
        """Ids of the matching sessions, oldest first, walking the newest-first list by pages."""
        found: list[int] = []
        cursor: SessionCursor | None = None
        while True:
            page = self._queries.page(session_filter, after=cursor, limit=ID_PAGE, actor=actor)
            offsets = self._offsets([row.id for row in page.rows])
            for row in page.rows:
                local_day = (row.performed_at + offsets[row.id]).date()
                if criteria.date_from <= local_day <= criteria.date_to:
                    found.append(row.id)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        found.reverse()
        return found

    def _offsets(self, session_ids: list[int]) -> dict[int, timedelta]:
        """The UTC offset of the clinician's clock for each session."""
        if not session_ids:
            return {}
        query = select(ProcedureSession.id, ProcedureSession.performed_at_offset_minutes).where(
            ProcedureSession.id.in_(session_ids)
        )
        with (
            database_errors_as_user_errors("list the notes to export"),
            self._session_factory() as db,
        ):
            return {
                row.id: timedelta(minutes=row.performed_at_offset_minutes)
                for row in db.execute(query)
            }

    def _load_notes(self, session_ids: Sequence[int]) -> list[NoteData]:
        return load_notes(self._session_factory, self._catalog, session_ids, self._clock())


def _destinations(
    merged_pdf: Path | None, pdf_dir: Path | None, csv_path: Path | None, json_path: Path | None
) -> tuple[ExportDestination, ...]:
    given = (
        (merged_pdf, ExportDestination.MERGED_PDF),
        (pdf_dir, ExportDestination.PDF_PER_NOTE),
        (csv_path, ExportDestination.CSV),
        (json_path, ExportDestination.JSON),
    )
    return tuple(kind for path, kind in given if path is not None)


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
