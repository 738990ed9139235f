"""The export dialog's FHIR choice (issue 15): the signed notes as a FHIR R4 bundle too."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    add_session,
)
from tests.services.conftest import PASSWORD
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.services.export.exporting import ExportService
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog, WorkerFactory
from tpi_desk.ui.export_worker import ExportJob, ExportReport, ExportWorker

NOVEMBER = "2026-11-01_to_2026-11-30"
RUN_TIMEOUT_MS = 60_000


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30).astimezone()


@pytest.fixture
def physician(context: AppContext) -> ProviderRecord:
    hartley = add_physician(context)
    context.users.reset_password(None, hartley.facts.username, PASSWORD)
    return hartley


@pytest.fixture
def signed(context: AppContext, physician: ProviderRecord) -> tuple[SessionRecord, ...]:
    """Two signed November notes of one patient, and a draft."""
    patient = add_patient(context)

    def sign(day: date) -> SessionRecord:
        draft = add_session(context, patient.id, physician.id, local(day))
        return context.signing.sign(
            draft.id, draft.version, physician.id, actor=acting_as(physician), password=PASSWORD
        )

    notes = (sign(date(2026, 11, 3)), sign(date(2026, 11, 17)))
    add_session(context, patient.id, physician.id, local(date(2026, 11, 25), 11))
    return notes


def open_dialog(
    qtbot: QtBot,
    context: AppContext,
    physician: ProviderRecord,
    folder: Path,
    make_worker: WorkerFactory = ExportWorker,
) -> ExportDialog:
    dialog = ExportDialog(
        context, RecordingMessages(), actor=acting_as(physician), make_worker=make_worker
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.this_month_button.click()
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_bundle_is_written_beside_the_pdf_when_asked_for(
    qtbot: QtBot,
    context: AppContext,
    physician: ProviderRecord,
    signed: tuple[SessionRecord, ...],
    tmp_path: Path,
) -> None:
    dialog = open_dialog(qtbot, context, physician, tmp_path)
    assert dialog.fhir_check.isVisible() and not dialog.fhir_check.isChecked()

    dialog.fhir_check.setChecked(True)
    assert dialog.outputs_label.text() == (
        f"Writes notes_{NOVEMBER}.pdf\nand claims_{NOVEMBER}.csv\nand fhir_{NOVEMBER}.json "
        "in that folder."
    )
    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()

    report = outcome.args[0]
    assert isinstance(report, ExportReport), report
    path = tmp_path / f"fhir_{NOVEMBER}.json"
    assert path in report.summary.files
    text = path.read_text(encoding="utf-8")
    Bundle.model_validate_json(text)  # any validation error fails
    documents = [
        entry["resource"]
        for entry in json.loads(text)["entry"]
        if entry["resource"]["resourceType"] == "DocumentReference"
    ]
    assert [d["identifier"][0]["value"] for d in documents] == [str(s.id) for s in signed]
    assert (tmp_path / f"notes_{NOVEMBER}.pdf").is_file()


def test_drafts_turn_the_choice_off(
    qtbot: QtBot,
    context: AppContext,
    physician: ProviderRecord,
    signed: tuple[SessionRecord, ...],
    tmp_path: Path,
) -> None:
    dialog = open_dialog(qtbot, context, physician, tmp_path)
    dialog.fhir_check.setChecked(True)

    dialog.status.setCurrentIndex(1)  # all notes, drafts included

    assert not dialog.fhir_check.isChecked() and not dialog.fhir_check.isEnabled()
    job = dialog.job()
    assert job is not None and job.fhir is None
    dialog.status.setCurrentIndex(0)
    assert dialog.fhir_check.isEnabled()


def cancelling_when_the_bundle_starts(progress_seen: list[int]) -> WorkerFactory:
    """Workers whose export is cancelled in their own thread as the FHIR part reports its
    first note (the PDFs and claim lines, written first, are done by then)."""

    def make(service: ExportService, job: ExportJob, parent: QObject | None) -> ExportWorker:
        worker = ExportWorker(service, job, parent)

        def progressed(done: int, _total: int) -> None:
            if progress_seen and 0 < done <= progress_seen[-1]:  # a new part counts from 1
                worker.cancel()
            progress_seen.append(done)

        worker.progressed.connect(progressed, Qt.ConnectionType.DirectConnection)
        return worker

    return make


def test_cancelling_during_the_bundle_names_the_files_already_written(
    qtbot: QtBot,
    context: AppContext,
    physician: ProviderRecord,
    signed: tuple[SessionRecord, ...],
    tmp_path: Path,
) -> None:
    """It said "nothing was written" while the PDF and the claim lines were on disk."""
    seen: list[int] = []
    dialog = open_dialog(
        qtbot, context, physician, tmp_path, make_worker=cancelling_when_the_bundle_starts(seen)
    )
    dialog.fhir_check.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()

    report = outcome.args[0]
    assert isinstance(report, ExportReport) and report.cancelled
    assert not (tmp_path / f"fhir_{NOVEMBER}.json").exists()
    assert (tmp_path / f"notes_{NOVEMBER}.pdf").is_file()
    assert dialog.message_label.text() == (
        f"Export cancelled before its end; already written: notes_{NOVEMBER}.pdf, "
        f"claims_{NOVEMBER}.csv."
    )
