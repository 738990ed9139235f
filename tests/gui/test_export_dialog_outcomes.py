"""The billing export dialog's outcomes: cancel, nothing to export, folders that cannot be
written, replacing files, closing during a run, and its screenshot.

Set TPI_DESK_SCREENSHOTS=DIR to write export-dialog.png there (docs/screenshots/ holds it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.export_dialog_support import (
    NOVEMBER,
    RUN_TIMEOUT_MS,
    Clinic,
    cancelling_after_first_note,
    csv_rows,
    make_clinic,
    open_dialog,
    ready_for_claims,
    run_export,
)
from tests.gui.window_support import (
    RecordingMessages,
    show_window,
)
from tpi_desk.reports.claims_csv import CLAIM_COLUMNS
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog, show_export_dialog
from tpi_desk.ui.export_worker import ExportReport
from tpi_desk.ui.theme import apply_theme

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"


@pytest.fixture
def clinic(context: AppContext) -> Clinic:
    return make_clinic(context)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the export (the database lives elsewhere under tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


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
    ready_for_claims(clinic)
    dialog = open_dialog(qtbot, clinic, folder)
    dialog.claims_check.setChecked(True)  # the 837P claim file too (issue 15)
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
