"""The billing export dialog: filters, a background run with progress and cancel, outcomes.

Set TPI_DESK_SCREENSHOTS=DIR to write export-dialog.png there (docs/screenshots/ holds it).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from PySide6.QtCore import QDate, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    add_session,
    show_window,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.reports.claims_csv import CLAIM_COLUMNS
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.services.export.exporting import ExportService, ExportStatus
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog, WorkerFactory, show_export_dialog
from tpi_desk.ui.export_worker import ExportJob, ExportReport, ExportWorker
from tpi_desk.ui.theme import apply_theme
from tpi_desk.ui.workstation import EXPORT_FOLDER_KEY, remember_text

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
RUN_TIMEOUT_MS = 60_000
NOVEMBER = "2026-11-01_to_2026-11-30"


@dataclass(frozen=True)
class Clinic:
    """Four signed notes in November 2026 (the tests' month), a draft, one in October."""

    context: AppContext
    hartley: ProviderRecord
    okafor: ProviderRecord
    clerk: Actor
    zoe_id: int
    lukasz_id: int
    signed_in_november: tuple[SessionRecord, ...]


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30).astimezone()


@pytest.fixture
def clinic(context: AppContext) -> Clinic:
    users = context.users
    hartley = add_physician(context)
    okafor = context.providers.add(
        ProviderFacts("aokafor", "Dr. Amara Okafor", "DO", "1000000004"), Role.PHYSICIAN
    )
    for provider in (hartley, okafor):
        users.reset_password(None, provider.facts.username, PASSWORD)
    clerk = users.add_user("bclerk", "Bea Clerk", PASSWORD, role=Role.BILLING, actor=None)
    signing = context.signing
    zoe = add_patient(context)
    lukasz = add_patient(context, "SYN-1002", "Ødegård", "Łukasz")

    def signed(patient_id: int, provider: ProviderRecord, day: date) -> SessionRecord:
        draft = add_session(context, patient_id, provider.id, local(day))
        return signing.sign(
            draft.id, draft.version, provider.id, actor=acting_as(provider), password=PASSWORD
        )

    signed(zoe.id, hartley, date(2026, 10, 20))
    november = (
        signed(zoe.id, hartley, date(2026, 11, 3)),
        signed(lukasz.id, okafor, date(2026, 11, 10)),
        signed(zoe.id, hartley, date(2026, 11, 17)),
        signed(lukasz.id, hartley, date(2026, 11, 24)),
    )
    add_session(context, zoe.id, hartley.id, local(date(2026, 11, 25), 11))  # today's draft
    return Clinic(
        context,
        hartley,
        okafor,
        Actor(clerk.id, clerk.username, Role.BILLING),
        zoe.id,
        lukasz.id,
        november,
    )


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the export (the database lives elsewhere under tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def open_dialog(
    qtbot: QtBot,
    clinic: Clinic,
    folder: Path,
    *,
    actor: Actor | None = None,
    messages: RecordingMessages | None = None,
) -> ExportDialog:
    dialog = ExportDialog(
        clinic.context, messages or RecordingMessages(), actor=actor or clinic.clerk
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.this_month_button.click()  # the tests' notes span November
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def run_export(qtbot: QtBot, dialog: ExportDialog) -> object:
    """Start the export and wait for its outcome (an ExportReport or a UserError)."""
    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()
    return outcome.args[0]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


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


def cancelling_after_first_note(progress_seen: list[int]) -> WorkerFactory:
    """Workers whose export is cancelled in their own thread right after the first note."""

    def make(service: ExportService, job: ExportJob, parent: QObject | None) -> ExportWorker:
        worker = ExportWorker(service, job, parent)

        def first_note_done(done: int, _total: int) -> None:
            progress_seen.append(done)
            worker.cancel()

        worker.progressed.connect(first_note_done, Qt.ConnectionType.DirectConnection)
        return worker

    return make


def test_cancel_midway_writes_nothing_and_says_so(qtbot: QtBot, clinic: Clinic, out: Path) -> None:
    progress_seen: list[int] = []
    dialog = ExportDialog(
        clinic.context,
        RecordingMessages(),
        actor=clinic.clerk,
        make_worker=cancelling_after_first_note(progress_seen),
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(out))
    dialog.this_month_button.click()
    dialog.show()

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport)
    assert report.cancelled
    assert progress_seen == [1]  # one note of four was written before the cancel
    assert list(out.iterdir()) == []  # no output, no temporary file either
    assert dialog.message_label.text() == "Export cancelled; nothing was written."
    assert dialog.progress_bar.value() == dialog.progress_bar.minimum() - 1  # reset
    assert dialog.export_button.isVisible()


def test_the_cancel_button_stops_the_export(qtbot: QtBot, clinic: Clinic, out: Path) -> None:
    dialog = open_dialog(qtbot, clinic, out)

    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()
        dialog.cancel_button.click()
        assert dialog.progress_label.text() == "Cancelling…"

    report = outcome.args[0]
    assert isinstance(report, ExportReport) and report.cancelled
    assert list(out.iterdir()) == []


def test_no_matching_notes_is_said_plainly(qtbot: QtBot, clinic: Clinic, out: Path) -> None:
    dialog = open_dialog(qtbot, clinic, out)
    dialog.date_from.setDate(QDate(2026, 1, 1))
    dialog.date_to.setDate(QDate(2026, 1, 31))

    run_export(qtbot, dialog)

    assert dialog.message_label.text() == "No signed notes from 2026-01-01 to 2026-01-31."
    assert list(out.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_said_plainly(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    not_a_folder = out / "notes.txt"
    not_a_folder.write_text("a file, not a folder", encoding="utf-8")
    dialog = open_dialog(qtbot, clinic, not_a_folder)

    run_export(qtbot, dialog)

    target = not_a_folder / f"notes_{NOVEMBER}.pdf"
    assert dialog.message_label.text() == f"Cannot write {target}: not a directory."
    assert sorted(path.name for path in out.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_said_plainly(qtbot: QtBot, clinic: Clinic, out: Path) -> None:
    folder = out / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    dialog = open_dialog(qtbot, clinic, folder)

    try:
        run_export(qtbot, dialog)
    finally:
        folder.chmod(0o700)

    target = folder / f"notes_{NOVEMBER}.pdf"
    assert dialog.message_label.text() == f"Cannot write {target}: permission denied."
    assert list(folder.iterdir()) == []


def test_existing_files_are_replaced_only_when_confirmed(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    earlier = out / f"claims_{NOVEMBER}.csv"
    earlier.write_text("kept\n", encoding="utf-8")
    messages = RecordingMessages(answer=False)
    dialog = open_dialog(qtbot, clinic, out, messages=messages)

    assert not dialog.start_export()

    assert messages.shown == [
        (
            "confirm",
            "Replace the files?",
            f"claims_{NOVEMBER}.csv already exist in that folder. Replace them?",
        )
    ]
    assert earlier.read_text(encoding="utf-8") == "kept\n"
    messages.answer = True
    report = run_export(qtbot, dialog)
    assert isinstance(report, ExportReport)
    assert tuple(csv_rows(earlier)[0]) == CLAIM_COLUMNS


def test_closing_during_an_export_asks_then_cancels_it(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    messages = RecordingMessages(answer=False)
    dialog = open_dialog(qtbot, clinic, out, messages=messages)
    assert dialog.start_export()

    dialog.close()
    assert dialog.isVisible() and dialog.is_running()
    messages.answer = True
    dialog.close()

    assert not dialog.isVisible()
    assert not dialog.is_running()
    assert [title for _, title, _ in messages.shown] == ["Stop the export?"] * 2
    assert list(out.iterdir()) == []


def test_the_window_opens_the_export_dialog_with_its_user(
    qtbot: QtBot, clinic: Clinic, out: Path
) -> None:
    window = show_window(qtbot, clinic.context, RecordingMessages())

    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.export_action.trigger()

    dialogs = window.findChildren(ExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert dialogs[0].actor is not None
    assert dialogs[0].actor.username == "ihartley"
    window.export_action.trigger()
    assert window.findChildren(ExportDialog) == dialogs  # brought forward, not opened twice
    dialogs[0].close()


def test_show_export_dialog_is_not_modal(qtbot: QtBot, clinic: Clinic) -> None:
    parent = show_window(qtbot, clinic.context, RecordingMessages())

    dialog = show_export_dialog(parent, clinic.context, RecordingMessages(), actor=clinic.clerk)

    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.close()


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The app's theme for the screenshot, then the test defaults back for later tests."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    apply_theme(qapp)
    yield
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def test_screenshot_of_the_export_dialog(
    qtbot: QtBot, themed: None, clinic: Clinic, out: Path
) -> None:
    folder = out / "Billing"
    folder.mkdir()
    dialog = open_dialog(qtbot, clinic, folder)
    run_export(qtbot, dialog)
    dialog.folder_edit.setText(str(Path("~/Documents/Billing")))
    dialog.message_label.setText(
        dialog.message_label.text().replace(str(folder), "~/Documents/Billing")
    )
    qtbot.wait(20)
    shots = Path(os.environ.get(SCREENSHOTS_ENV, out))
    path = shots / "export-dialog.png"

    assert dialog.grab().save(str(path))
    assert path.stat().st_size < 300_000
