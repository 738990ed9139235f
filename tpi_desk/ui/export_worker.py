"""Runs one billing export in a worker thread: progress and the outcome come back as signals."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from PySide6.QtPdf import QPdfDocument

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import ExportCriteria, ExportService, ExportSummary
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.export_claims_choice import ClaimsOutput, ClaimsRun
from tpi_desk.ui.export_fhir_choice import FhirOutput, write_fhir_output
from tpi_desk.ui.formatting import count_of

if TYPE_CHECKING:
    from tpi_desk.services.export.x12_claims import ClaimFileSummary

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportJob:
    """What to export and where: a merged PDF or a folder of PDFs, a claims CSV, an X12
    837P claim file, a FHIR bundle."""

    criteria: ExportCriteria
    merged_pdf: Path | None = None
    pdf_dir: Path | None = None
    csv_path: Path | None = None
    actor: Actor | None = None
    fhir: FhirOutput | None = None  # the FHIR R4 bundle, when asked for
    claims: ClaimsOutput | None = None  # the X12 837P claim file, when asked for

    def outputs(self) -> list[Path]:
        """The files (and the folder of PDFs) the export writes, in the dialog's order."""
        claims = self.claims.path if self.claims is not None else None
        fhir = self.fhir.path if self.fhir is not None else None
        paths = (self.merged_pdf, self.pdf_dir, self.csv_path, claims, fhir)
        return [path for path in paths if path is not None]


@dataclass(frozen=True, slots=True)
class ExportReport:
    """A finished export: what the service wrote, and how many PDF pages that makes."""

    summary: ExportSummary
    pages: int
    claims: ClaimFileSummary | None = None  # the claim file put in place, if any

    @property
    def cancelled(self) -> bool:
        return self.summary.cancelled

    def cancelled_sentence(self) -> str:
        """What a cancelled export leaves: nothing, or (cancelled during the FHIR bundle, after
        the PDFs and claim lines were written and audited) the files already written."""
        written = self.summary.files
        if not written:
            return "Export cancelled; nothing was written."
        names = ", ".join(path.name for path in written)
        return f"Export cancelled before its end; already written: {names}."

    def sentence(self, job: ExportJob | None) -> str:
        """ "Exported 12 notes (24 pages), 19 claim lines and 12 837P claims to …"."""
        summary = self.summary
        parts = [f"{count_of(summary.notes, 'note')} ({count_of(self.pages, 'page')})"]
        if job is not None and job.csv_path is not None:
            parts.append(count_of(summary.claim_lines, "claim line"))
        if self.claims is not None:
            parts.append(count_of(self.claims.claims, "837P claim"))
        text = "Exported " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "")
        text += parts[-1]
        folder = next((path.parent for path in summary.files), None)
        if job is not None and job.pdf_dir is not None:
            folder = job.pdf_dir.parent
        return text + (f" to {folder}." if folder is not None else ".")


class ExportWorker(QThread):
    """One export; ``cancel()`` stops it before the next note and nothing is written (once
    the PDFs and claim lines are written, a cancel during the FHIR bundle keeps them).

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
        job, claims, started = self._job, ClaimsRun(self._job.claims), time.perf_counter()
        try:
            summary = self._write(job, claims, started)
            if summary is None:
                raise UserError(
                    "Choose what to write: PDFs, claim lines, a claim file or a FHIR bundle."
                )
            report = ExportReport(summary, count_pdf_pages(summary.files), claims.written)
        except UserError as error:
            self.export_failed.emit(error)
            return
        except Exception:  # a bug: logged with its traceback; the user gets a plain sentence
            _log.exception("The billing export failed")
            self.export_failed.emit(
                UserError("The export stopped because of an unexpected error; nothing was written.")
            )
            return
        finally:
            claims.discard()
        self.export_finished.emit(report)

    def _write(self, job: ExportJob, claims: ClaimsRun, started: float) -> ExportSummary | None:
        """The claim file is prepared first (its refusals come before anything is written)
        and put in place last, once the other outputs are."""
        if not claims.prepare(
            job.criteria, progress=self._progressed, cancelled=self._cancel.is_set,
            actor=job.actor,
        ):  # fmt: skip
            return ExportSummary(0, 0, (), (), time.perf_counter() - started, cancelled=True)
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
        return claims.finish(summary, started=started)

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
