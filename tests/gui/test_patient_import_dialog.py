"""File > Import patients… (issue 15 item 4): the preview shows the mapping, the first rows and
the problems before anything is written; Import is held back by a bad row unless the bad
rows are left out; importing fills the patient list."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, show_window, when_modal_opens
from tpi_desk.services.people.patient_files import read_patient_file
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.patient_import_dialog import PatientImportDialog

GOOD = (
    "MRN,Last Name,First Name,DOB,Gender\n"
    "SYN-4001,Ñúñez,Zoë,03/14/1968,F\n"
    "SYN-4002,Ødegård,Łukasz,1979-03-14,M\n"
)
BAD_ROW = "SYN-4003,Smith,Jo,not a date,F\n"


def _dialog(qtbot: QtBot, context: AppContext, path: Path) -> PatientImportDialog:
    read = read_patient_file(path, today=context.clock().date())
    dialog = PatientImportDialog(context.patient_import, RecordingMessages(), None, read)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_preview_shows_mapping_rows_and_plan_and_writes_nothing(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(GOOD, encoding="utf-8")

    dialog = _dialog(qtbot, context, path)

    assert "MRN: 'MRN'" in dialog.mapping_label.text()
    assert "Date of birth: 'DOB'" in dialog.mapping_label.text()
    assert dialog.model.rowCount() == 2
    assert dialog.model.index(0, 1).data() == "Ñúñez"
    assert dialog.plan_label.text() == "Will import: 2 new patients, 0 updated, 0 unchanged."
    assert dialog.problem_list.isHidden()
    assert dialog.import_button.isEnabled()
    assert context.patients.search("") == []  # nothing written by the preview


def test_a_bad_row_holds_the_import_until_the_bad_rows_are_left_out(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(GOOD + BAD_ROW, encoding="utf-8")
    dialog = _dialog(qtbot, context, path)

    assert dialog.problem_list.item(0).text() == "row 4, column 'DOB': 'not a date' is not a date"
    assert not dialog.import_button.isEnabled()
    assert not dialog.import_patients()
    assert context.patients.search("") == []

    dialog.skip_bad_rows.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()

    assert dialog.imported is not None and dialog.imported.created == 2
    assert dialog.progress.value() == 2
    assert {p.mrn for p in context.patients.search("")} == {"SYN-4001", "SYN-4002"}


def test_file_menu_imports_patients_into_the_list(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(GOOD, encoding="utf-8")
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    action = window.window_actions.import_patients
    assert action.isVisible() and action.isEnabled()
    monkeypatch.setattr(window.recall_import, "ask_patient_file", lambda: path)

    failures = when_modal_opens(PatientImportDialog, lambda shown: shown.import_button.click())
    action.trigger()

    assert not failures
    assert ("info", "Patients imported", "From patients.csv: 2 new patients, 0 updated, "
            "0 unchanged.") in messages.shown  # fmt: skip
    assert window.search_pane.model.rowCount() == 2
