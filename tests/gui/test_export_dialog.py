"""The billing export dialog: filters, date ranges, and what a run writes
(cancel, errors and closing in test_export_dialog_outcomes.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tests.gui.export_dialog_support import (
    NOVEMBER,
    RUN_TIMEOUT_MS,
    Clinic,
    csv_rows,
    make_clinic,
    open_dialog,
    pdf_text,
    run_export,
)
from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
)
from tpi_desk.reports.claims_csv import CLAIM_COLUMNS
from tpi_desk.services.export.exporting import ExportStatus
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog
from tpi_desk.ui.export_worker import ExportReport
from tpi_desk.ui.workstation import EXPORT_FOLDER_KEY, remember_text


@pytest.fixture
def clinic(context: AppContext) -> Clinic:
    return make_clinic(context)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the export (the database lives elsewhere under tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_this_month_offers_signed_notes_any_provider_any_patient(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, out, actor=acting_as(clinic.hartley))

    criteria = dialog.criteria()
    assert (criteria.date_from, criteria.date_to) == (date(2026, 11, 1), date(2026, 11, 30))
    assert criteria.status is ExportStatus.SIGNED
    assert criteria.provider_username is None
    assert criteria.patient_id is None
    assert dialog.status.currentText() == "Signed notes only"
    assert [dialog.provider.itemText(i) for i in range(dialog.provider.count())] == [
        "Any provider",
        "Dr. Amara Okafor, DO",
        "Dr. Imogen Hartley, MD",
    ]
    assert dialog.merged_radio.isChecked()
    assert dialog.csv_check.isChecked()
    assert dialog.outputs_label.text() == (
        f"Writes notes_{NOVEMBER}.pdf\nand claims_{NOVEMBER}.csv in that folder."
    )


def test_the_export_starts_at_today_with_week_and_month_one_click_away(
    qtbot: QtBot, clinic: Clinic, tmp_path: Path
) -> None:
    """Issue 14: the dialog defaulted to the whole month; the everyday export is today's."""
    remember_text(EXPORT_FOLDER_KEY, "")
    dialog = ExportDialog(clinic.context, RecordingMessages(), actor=clinic.clerk)
    qtbot.addWidget(dialog)
    today = clinic.context.clock().date()
    assert (dialog.criteria().date_from, dialog.criteria().date_to) == (today, today)
    dialog.this_week_button.click()
    monday = today - timedelta(days=today.weekday())
    assert (dialog.criteria().date_from, dialog.criteria().date_to) == (
        monday,
        monday + timedelta(days=6),
    )
    dialog.today_button.click()
    assert dialog.criteria().date_from == today


def test_a_missing_folder_is_made_and_remembered(
    qtbot: QtBot, clinic: Clinic, tmp_path: Path
) -> None:
    """Issue 14: the default folder did not exist; it is now made, and the next export
    starts in the folder the last one wrote to."""
    folder = tmp_path / "not yet" / "exports"
    dialog = open_dialog(qtbot, clinic, folder)
    report = run_export(qtbot, dialog)
    assert not isinstance(report, Exception)
    assert (folder / f"claims_{NOVEMBER}.csv").is_file()
    again = ExportDialog(clinic.context, RecordingMessages(), actor=clinic.clerk)
    qtbot.addWidget(again)
    assert again.folder() == folder
    remember_text(EXPORT_FOLDER_KEY, "")


def test_last_month_and_this_month_set_the_date_range(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, out)

    dialog.last_month_button.click()
    assert (dialog.criteria().date_from, dialog.criteria().date_to) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    dialog.this_month_button.click()
    assert dialog.criteria().date_to == date(2026, 11, 30)


def test_billing_staff_are_offered_signed_notes_only(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    clerk_dialog = open_dialog(qtbot, clinic, out)
    doctor_dialog = open_dialog(qtbot, clinic, out, actor=acting_as(clinic.hartley))

    assert clerk_dialog.status.count() == 1
    assert not clerk_dialog.status.isEnabled()
    assert doctor_dialog.status.count() == 2
    assert ExportStatus(doctor_dialog.status.itemData(1)) is ExportStatus.ALL


def test_merged_export_runs_in_the_background_and_writes_bookmarks_and_claims(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    folder = out / "billing"
    folder.mkdir()
    dialog = open_dialog(qtbot, clinic, folder)
    ticks: list[int] = []
    timer = QTimer(dialog)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()

    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()
        assert dialog.is_running()  # start_export returned while the notes were written
        assert not dialog.export_button.isVisible()
        assert dialog.cancel_button.isVisible()
        assert not dialog.date_from.isEnabled()
    timer.stop()

    report = outcome.args[0]
    assert isinstance(report, ExportReport)
    assert report.summary.notes == 4
    assert ticks, "the event loop kept running during the export"
    assert dialog.progress_bar.maximum() == dialog.progress_bar.value() == 4
    assert not dialog.is_running()
    assert dialog.export_button.isVisible()
    merged = folder / f"notes_{NOVEMBER}.pdf"
    reader = PdfReader(merged)
    assert len(reader.outline) == 4  # flat: one bookmark per note
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert titles == [
        "2026-11-03 — Ñúñez, Zoë — SYN-1001",
        "2026-11-10 — Ødegård, Łukasz — SYN-1002",
        "2026-11-17 — Ñúñez, Zoë — SYN-1001",
        "2026-11-24 — Ødegård, Łukasz — SYN-1002",
    ]
    assert report.pages == len(reader.pages)
    rows = csv_rows(folder / f"claims_{NOVEMBER}.csv")
    assert tuple(rows[0]) == CLAIM_COLUMNS
    claim_lines = rows[1:]
    assert {row[CLAIM_COLUMNS.index("note_status")] for row in claim_lines} == {"signed"}
    assert report.summary.claim_lines == len(claim_lines) >= 4
    assert dialog.message_label.text() == (
        f"Exported 4 notes ({len(reader.pages)} pages) and {len(claim_lines)} claim lines "
        f"to {folder}."
    )


def test_one_pdf_per_note_named_by_date_and_session_id(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, out)
    dialog.per_note_radio.setChecked(True)
    dialog.csv_check.setChecked(False)
    assert dialog.outputs_label.text() == f"Writes notes_{NOVEMBER}/ in that folder."

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport)
    notes = out / f"notes_{NOVEMBER}"
    # Named by date and session id, not the patient's name or MRN (issue 13).
    assert sorted(path.name for path in notes.iterdir()) == [
        f"{record.entry.performed_at.date().isoformat()}_session-{record.id}.pdf"
        for record in clinic.signed_in_november
    ]
    pages = sum(len(PdfReader(path).pages) for path in notes.iterdir())
    assert report.pages == pages
    # Issue 13: beside the folder of notes, only the batch's manifest (its chain anchor).
    assert sorted(path.name for path in out.iterdir() if path.is_file()) == [
        f"notes_{NOVEMBER}.manifest.json"
    ]
    assert dialog.message_label.text() == f"Exported 4 notes ({pages} pages) to {out}."


def test_provider_and_patient_filters_choose_the_notes(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, out)
    dialog.provider.setCurrentIndex(dialog.provider.findData("ihartley"))
    dialog.patient.search.setText("Ødegård")

    assert dialog.patient.patient_id() == clinic.lukasz_id
    assert dialog.criteria().provider_username == "ihartley"
    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport)
    assert report.summary.session_ids == (str(clinic.signed_in_november[3].id),)
    rows = csv_rows(out / f"claims_{NOVEMBER}.csv")[1:]
    assert {row[CLAIM_COLUMNS.index("patient_name")] for row in rows} == {"Ødegård, Łukasz"}


def test_a_patient_search_without_a_match_does_not_export_everyone(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, out)
    dialog.patient.search.setText("Nobody Here")

    assert dialog.patient.choice.currentText() == "No patient matches “Nobody Here”"
    assert not dialog.start_export()
    assert "No patient matches" in dialog.message_label.text()
    assert list(out.iterdir()) == []


def test_all_notes_include_the_draft_marked_draft(qtbot: QtBot, clinic: Clinic, out: Path) -> None:
    dialog = open_dialog(qtbot, clinic, out, actor=acting_as(clinic.hartley))
    dialog.status.setCurrentIndex(dialog.status.findData(ExportStatus.ALL.value))
    assert dialog.criteria().status is ExportStatus.ALL
    dialog.csv_check.setChecked(False)

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport)
    assert report.summary.notes == 5
    assert "DRAFT" in pdf_text(out / f"notes_{NOVEMBER}.pdf")
