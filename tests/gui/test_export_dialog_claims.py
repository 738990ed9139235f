"""The export dialog's 837P choice (issue 15): a billing clerk writes the X12 claim file
beside the PDFs and claim lines, checked with pyx12, or is told in plain words what stops it
(the billing identity, a patient without insurance), with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from tests.gui.export_dialog_support import (
    NOVEMBER,
    Clinic,
    cancelling_after_first_note,
    insure,
    make_clinic,
    open_dialog,
    ready_for_claims,
    run_export,
    set_billing_identity,
)
from tests.gui.window_support import RecordingMessages, acting_as, give_focus
from tests.x12_support import assert_valid_837p
from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import ExportService
from tpi_desk.services.export.x12_claims import DESTINATION
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_claims_choice import SIGNED_ONLY
from tpi_desk.ui.export_dialog import ExportDialog
from tpi_desk.ui.export_worker import ExportJob, ExportReport, ExportWorker

CLAIM_FILE = f"claims_{NOVEMBER}.837"


@pytest.fixture
def clinic(context: AppContext) -> Clinic:
    return make_clinic(context)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "Billing"
    out.mkdir()
    return out


def claim_exports(clinic: Clinic) -> list[tuple[int | None, str]]:
    """(note, detail) of each audited disclosure in a claim file."""
    rows = clinic.context.audit_log.report(None, action="export").rows
    return sorted((row.record_id, row.detail) for row in rows if DESTINATION in row.detail)


def test_the_claim_file_is_written_with_the_pdf_and_validates(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    ready_for_claims(clinic)
    dialog = open_dialog(qtbot, clinic, folder)  # as the billing clerk
    assert dialog.claims_check.isVisible() and not dialog.claims_check.isChecked()

    dialog.claims_check.setChecked(True)
    assert dialog.outputs_label.text() == (
        f"Writes notes_{NOVEMBER}.pdf\nand claims_{NOVEMBER}.csv\nand {CLAIM_FILE} in that folder."
    )
    assert dialog.outputs_label.height() >= dialog.outputs_label.sizeHint().height()  # no clip
    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport), report
    path = folder / CLAIM_FILE
    assert path in report.summary.files
    segments = assert_valid_837p(path)
    claims = [segment for segment in segments if segment[0] == "CLM"]
    assert len(claims) == len(clinic.signed_in_november)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary
    assert dialog.message_label.text().startswith("Exported 4 notes (")
    assert " claim lines and 4 837P claims to " in dialog.message_label.text()
    audited = claim_exports(clinic)
    assert [note for note, _ in audited] == sorted(s.id for s in clinic.signed_in_november)


def test_drafts_turn_the_claims_choice_off_with_a_reason(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, folder, actor=acting_as(clinic.hartley))
    dialog.claims_check.setChecked(True)

    dialog.status.setCurrentIndex(1)  # all notes, drafts included

    assert not dialog.claims_check.isChecked() and not dialog.claims_check.isEnabled()
    assert dialog.claims_check.toolTip() == SIGNED_ONLY
    job = dialog.job()
    assert job is not None and job.claims is None
    assert ".837" not in dialog.outputs_label.text()
    dialog.status.setCurrentIndex(0)
    assert dialog.claims_check.isEnabled() and dialog.claims_check.toolTip() == ""


def test_the_choice_stays_off_after_a_run_with_drafts(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, folder, actor=acting_as(clinic.hartley))
    dialog.status.setCurrentIndex(1)  # all notes, drafts included

    assert isinstance(run_export(qtbot, dialog), ExportReport)

    assert not dialog.claims_check.isEnabled() and not dialog.fhir_check.isEnabled()


def test_a_missing_billing_identity_names_the_admin_menu_item(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    insure(clinic, clinic.zoe_id)
    insure(clinic, clinic.lukasz_id)
    dialog = open_dialog(qtbot, clinic, folder)
    dialog.claims_check.setChecked(True)

    outcome = run_export(qtbot, dialog)

    assert isinstance(outcome, UserError)
    shown = dialog.message_label.text()
    assert shown.startswith("Nothing was written: the claim file needs the clinic's billing")
    assert "Admin > Billing identity…" in shown
    assert "NPI" in shown and "Claims receiver ID" in shown
    assert "Traceback" not in shown and "tpi-desk settings" not in shown
    assert list(folder.iterdir()) == []  # not the PDF nor the CSV either
    assert claim_exports(clinic) == []


def test_a_patient_without_insurance_is_named_by_mrn(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    set_billing_identity(clinic.context)
    insure(clinic, clinic.zoe_id)  # Łukasz Ødegård (SYN-1002) has none
    dialog = open_dialog(qtbot, clinic, folder)
    dialog.claims_check.setChecked(True)

    outcome = run_export(qtbot, dialog)

    assert isinstance(outcome, UserError)
    shown = dialog.message_label.text()
    assert shown.startswith("Nothing was written: these notes cannot go on a claim file")
    assert "• Ødegård, Łukasz (MRN SYN-1002) has no insurance on file" in shown
    assert "SYN-1001" not in shown
    assert list(folder.iterdir()) == []
    assert claim_exports(clinic) == []


def cancelling_at_note(number: int) -> type[ExportWorker]:
    """Workers cancelled in their own thread at the ``number``th progress report of a run
    (the claim file reads every note first, then the PDFs are written)."""

    class Cancelling(ExportWorker):
        def __init__(self, service: ExportService, job: ExportJob, parent: QObject | None):
            super().__init__(service, job, parent)
            self.reports = 0
            self.progressed.connect(self._count, Qt.ConnectionType.DirectConnection)

        def _count(self, _done: int, _total: int) -> None:
            self.reports += 1
            if self.reports == number:
                self.cancel()

    return Cancelling


@pytest.mark.parametrize("where", ["reading the notes", "writing the PDFs"])
def test_cancel_writes_no_claim_file(
    qtbot: QtBot, clinic: Clinic, folder: Path, where: str
) -> None:
    ready_for_claims(clinic)
    notes = len(clinic.signed_in_november)
    if where == "reading the notes":
        make_worker = cancelling_after_first_note([])
    else:
        make_worker = cancelling_at_note(notes + 1)  # the claim file is prepared by then
    dialog = ExportDialog(
        clinic.context, RecordingMessages(), actor=clinic.clerk, make_worker=make_worker
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.this_month_button.click()
    dialog.claims_check.setChecked(True)

    report = run_export(qtbot, dialog)

    assert isinstance(report, ExportReport) and report.cancelled
    assert dialog.message_label.text() == "Export cancelled; nothing was written."
    assert list(folder.iterdir()) == []
    assert claim_exports(clinic) == []


def test_an_existing_claim_file_is_replaced_only_when_confirmed(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    ready_for_claims(clinic)
    (folder / CLAIM_FILE).write_text("last month's file", encoding="ascii")
    messages = RecordingMessages(answer=False)
    dialog = open_dialog(qtbot, clinic, folder, messages=messages)
    dialog.csv_check.setChecked(False)
    dialog.claims_check.setChecked(True)

    assert not dialog.start_export()

    (asked,) = messages.shown
    assert asked[0] == "confirm" and CLAIM_FILE in asked[2]
    assert (folder / CLAIM_FILE).read_text(encoding="ascii") == "last month's file"


def test_alt_x_ticks_the_choice_and_tab_reaches_it(
    qtbot: QtBot, clinic: Clinic, folder: Path
) -> None:
    dialog = open_dialog(qtbot, clinic, folder)
    assert dialog.claims_check.accessibleName() == "Claims (837P)"
    letters = [
        QKeySequence.mnemonic(button.text()).toString()
        for button in dialog.findChildren(QAbstractButton)
    ]
    assert [letter for letter in letters if letter] == ["Alt+X"]  # no other to clash with
    give_focus(qtbot, dialog.csv_check)

    qtbot.keyClick(dialog.csv_check, Qt.Key.Key_Tab)  # from the claim lines, then the EHR
    qtbot.waitUntil(dialog.claims_check.hasFocus)
    qtbot.keyClick(dialog.claims_check, Qt.Key.Key_Tab)
    qtbot.waitUntil(dialog.fhir_check.hasFocus)
    give_focus(qtbot, dialog.date_from)
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)

    qtbot.waitUntil(dialog.claims_check.isChecked)
    assert dialog.claims_check.hasFocus()
    assert CLAIM_FILE in dialog.outputs_label.text()
