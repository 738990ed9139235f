"""Runs one billing export in a worker thread: progress and the outcome come back as signals."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from PySide6.QtPdf import QPdfDocument

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import ExportCriteria, ExportService, ExportSummary
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.export_fhir_choice import FhirOutput, write_fhir_output

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportJob:
    """What to export and where: a merged PDF or a folder of PDFs, a claims CSV, a FHIR
    bundle."""

    criteria: ExportCriteria
    merged_pdf: Path | None = None
    pdf_dir: Path | None = None
    csv_path: Path | None = None
    actor: Actor | None = None
    fhir: FhirOutput | None = None  # the FHIR R4 bundle, when asked for


@dataclass(frozen=True, slots=True)
class ExportReport:
    """A finished export: what the service wrote, and how many PDF pages that makes."""

    summary: ExportSummary
    pages: int

    @property
    def cancelled(self) -> bool:
        return self.summary.cancelled


class ExportWorker(QThread):
    """One export; ``cancel()`` stops it before the next note and nothing is written.

    ``progressed(done, total)`` follows every note; then exactly one of ``export_finished``
    (an ExportReport, also when cancelled) or ``export_failed`` (a UserError) is emitted.
    Quitting the app cancels a running export and waits for it.
    """

    progressed = Signal(int, int)
    export_finished = Signal(object)
    export_failed = Signal(object)

    def __init__(
        self, service: ExportService, job: ExportJob, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._job = job
        self._cancel = threading.Event()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def job(self) -> ExportJob:
        return self._job

    def cancel(self) -> None:
        """Ask the export to stop before its next note (safe from any thread)."""
        self._cancel.set()

    def is_cancelling(self) -> bool:
        return self._cancel.is_set()

    def stop(self) -> None:
        """Cancel and wait until the thread has ended (when the app quits or a dialog goes)."""
        self.cancel()
        self.wait()

    def run(self) -> None:
        job = self._job
        try:
            billing = None
            if any(path is not None for path in (job.merged_pdf, job.pdf_dir, job.csv_path)):
                billing = self._service.export(
                    job.criteria,
                    merged_pdf=job.merged_pdf,
                    pdf_dir=job.pdf_dir,
                    csv_path=job.csv_path,
                    progress=self._progressed,
                    cancelled=self._cancel.is_set,
                    actor=job.actor,
                )
            summary = write_fhir_output(
                job.fhir, job.criteria, billing=billing, progress=self._progressed,
                cancelled=self._cancel.is_set, actor=job.actor,
            )  # fmt: skip
            if summary is None:
                raise UserError("Choose what to write: PDFs, claim lines or a FHIR bundle.")
            report = ExportReport(summary, count_pdf_pages(summary.files))
        except UserError as error:
            self.export_failed.emit(error)
            return
        except Exception:  # a bug: logged with its traceback; the user gets a plain sentence
            _log.exception("The billing export failed")
            self.export_failed.emit(
                UserError("The export stopped because of an unexpected error; nothing was written.")
            )
            return
        self.export_finished.emit(report)

    def _progressed(self, done: int, total: int | None) -> None:
        self.progressed.emit(done, total or 0)


def count_pdf_pages(files: tuple[Path, ...]) -> int:
    """The pages of the PDFs among ``files`` (read back with Qt's PDF engine)."""
    pages = 0
    document = QPdfDocument()  # no parent: deleted in this thread once counted
    for path in files:
        if path.suffix.lower() == ".pdf" and document.load(str(path)) is QPdfDocument.Error.None_:
            pages += document.pageCount()
            document.close()
    return pages
