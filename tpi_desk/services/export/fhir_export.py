"""The FHIR R4 export of signed notes: the same choice of notes as the billing export, one
collection Bundle out (``reports.fhir_bundle``), audited and anchored like it.

Runs in a worker thread as happily as the billing export: ``progress(done, total)`` after each
note, ``cancelled()`` before each. Drafts never go: the FHIR export is of signed notes only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.reports.fhir_bundle import (
    CancelCheck,
    FhirExportError,
    FhirNote,
    FhirSummary,
    Progress,
    write_fhir_bundle,
)
from tpi_desk.reports.note_file_names import note_file_name
from tpi_desk.reports.note_pdf import render_note_bytes
from tpi_desk.services.audit.events import MAX_EXPORT_IDS, AuditService
from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import (
    ExportCriteria,
    ExportFailed,
    ExportSelection,
    ExportService,
    ExportStatus,
    NothingToExport,
)
from tpi_desk.services.integrity.export_manifest import write_export_manifest
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import clinic_settings
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

FHIR_DESTINATION = "FHIR R4 bundle"  # the export's destination kind in the audit trail
SIGNED_ONLY = "The FHIR export holds signed notes only; choose signed notes (drafts never go)."


class FhirExportService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        # The billing export's choice of notes and its loading, in this process.
        self._notes = ExportService(session_factory, catalog, clock=clock, workers=1)
        self._audit = AuditService(session_factory, clock=clock)

    def mrn_system(self) -> str:
        """The system URI of the clinic's MRNs (the setting ``fhir.mrn_system``, else one
        made from the clinic's NPI)."""
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return clinic_settings(db).mrn_system

    def export(
        self,
        criteria: ExportCriteria,
        path: Path,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        actor: Actor | None = None,
    ) -> FhirSummary:
        """Write the signed notes of ``criteria`` to ``path`` as one FHIR R4 Bundle.

        Raises UserError for drafts asked for, NothingToExport when no note matches and
        ExportFailed when the file cannot be written; either way nothing is written. The
        export is audited (one entry per note) before the file is renamed into place.
        """
        if criteria.status is not ExportStatus.SIGNED:
            raise UserError(SIGNED_ONLY)
        selection = self._notes.select(criteria, actor=actor)
        if not selection:
            raise NothingToExport(f"No {criteria.describe()}.")
        if len(selection) > MAX_EXPORT_IDS:
            raise UserError(
                f"{len(selection):,} notes match; export at most {MAX_EXPORT_IDS:,} at once "
                "(choose fewer days)."
            )
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            settings = clinic_settings(db)

        def audit(session_ids: tuple[str, ...]) -> None:
            ids = [int(session_id) for session_id in session_ids]
            self._audit.record_export(actor, ids, FHIR_DESTINATION)

        try:
            summary = write_fhir_bundle(
                _rendered(selection, with_patient=settings.file_names_with_patient),
                path,
                mrn_system=settings.mrn_system,
                session_ids=[str(session_id) for session_id in selection.session_ids],
                progress=progress,
                cancelled=cancelled,
                total=len(selection),
                before_commit=audit,
            )
        except FhirExportError as error:
            raise ExportFailed(error.message) from error
        if not summary.cancelled:
            self._write_manifest(path, summary)
        return summary

    def _write_manifest(self, path: Path, summary: FhirSummary) -> None:
        try:
            write_export_manifest(
                self._session_factory, path, (path,), summary.session_ids, at=datetime.now(UTC)
            )
        except OSError as error:
            raise ExportFailed(
                f"The bundle was written, but its manifest could not be written beside {path} "
                f"({error.strerror or error})."
            ) from error


def _rendered(selection: ExportSelection, *, with_patient: bool) -> Iterator[FhirNote]:
    """Each selected note with its PDF, rendered as the billing export renders it."""
    for note in selection:
        pdf = render_note_bytes(note, invariant=True)
        yield FhirNote(note, pdf, note_file_name(note, with_patient=with_patient))
