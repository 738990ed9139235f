"""The export dialog over the parallel export (issue 14): the worker thread's export lays the
notes out in worker processes, and the dialog's progress and cancel work as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from tests.gui.export_dialog_support import (
    NOVEMBER,
    Clinic,
    cancelling_after_first_note,
    run_export,
)
from tests.gui.test_export_dialog import clinic, out  # noqa: F401 (fixtures)
from tests.gui.window_support import RecordingMessages
from tpi_desk.services.export import exporting, parallel_export
from tpi_desk.services.export.exporting import ExportService
from tpi_desk.ui.export_dialog import ExportDialog, WorkerFactory
from tpi_desk.ui.export_worker import ExportJob, ExportReport, ExportWorker


@pytest.fixture(autouse=True)
def every_batch_goes_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinic's four notes laid out in worker processes, one note a part."""
    monkeypatch.setattr(exporting, "MIN_PARALLEL_NOTES", 2)
    monkeypatch.setattr(parallel_export, "CHUNK_NOTES", 1)
    monkeypatch.setattr(parallel_export, "PARTS_PER_WORKER", 4)


def recording_progress(seen: list[tuple[int, int]]) -> WorkerFactory:
    def make(service: ExportService, job: ExportJob, parent: QObject | None) -> ExportWorker:
        service._workers = 2  # the test machine may have one core; the parallel path is asked
        worker = ExportWorker(service, job, parent)
        worker.progressed.connect(
            lambda done, total: seen.append((done, total)), Qt.ConnectionType.DirectConnection
        )
        return worker

    return make


def dialog_with(qtbot: QtBot, clinic: Clinic, folder: Path, factory: WorkerFactory) -> ExportDialog:  # noqa: F811
    dialog = ExportDialog(
        clinic.context, RecordingMessages(), actor=clinic.clerk, make_worker=factory
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.this_month_button.click()  # the dialog opens on today; the notes span November
    dialog.show()
    return dialog


def test_the_dialog_exports_in_parallel_with_progress_to_the_end(
    qtbot: QtBot,
    clinic: Clinic,  # noqa: F811
    out: Path,  # noqa: F811
) -> None:
    seen: list[tuple[int, int]] = []
    dialog = dialog_with(qtbot, clinic, out, recording_progress(seen))

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport) and not report.cancelled
    assert report.summary.notes == 4
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    merged = out / f"notes_{NOVEMBER}.pdf"
    assert len(PdfReader(merged).outline) == 4
    assert report.pages == len(PdfReader(merged).pages)


def test_cancel_midway_stops_the_workers_and_writes_nothing(
    qtbot: QtBot,
    clinic: Clinic,  # noqa: F811
    out: Path,  # noqa: F811
) -> None:
    progress_seen: list[int] = []
    cancelling = cancelling_after_first_note(progress_seen)

    def make(service: ExportService, job: ExportJob, parent: QObject | None) -> ExportWorker:
        service._workers = 2
        return cancelling(service, job, parent)

    dialog = dialog_with(qtbot, clinic, out, make)

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport) and report.cancelled
    assert progress_seen[0] == 1
    assert list(out.iterdir()) == []  # no output, no temporary file, no parts folder
    assert dialog.message_label.text() == "Export cancelled; nothing was written."
