"""Renders the patient dialog and the clinic settings dialog offscreen (TPI_DESK_SCREENSHOTS=DIR
writes the PNGs there; otherwise they go to the test's temporary folder and are only checked)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tests.gui.test_session_editor_screenshots import (  # noqa: F401 - fixtures
    _saved,
    screenshots,
    themed,
)
from tpi_desk.ui.admin.clinic_settings_dialog import ClinicSettingsDialog
from tpi_desk.ui.patient_dialog import PatientDialog


def test_patient_dialog_screenshot(
    qtbot: QtBot,
    clinic: Clinic,
    screenshots: Path,  # noqa: F811 - the fixture imported above
    themed: None,  # noqa: F811
) -> None:
    dialog = PatientDialog(clinic.context, actor=clinic.admin)
    qtbot.addWidget(dialog)
    dialog.mrn.setText("SYN-004127")
    dialog.family_name.setText("Ñúñez")
    dialog.given_name.setText("Zoë")
    dialog.coverage.setCurrentIndex(dialog.coverage.findData("medicare"))
    dialog.allergies.setText("NKDA")
    dialog.allergies.editingFinished.emit()
    dialog.show()
    qtbot.waitExposed(dialog)

    image = _saved(dialog.grab().toImage(), screenshots / "patient-dialog.png")

    assert image.width() >= 460
    assert dialog.no_known_drug_allergies.isChecked()
    assert dialog.allergies.text() == "" and not dialog.allergies.isEnabled()


def test_clinic_settings_dialog_screenshot(
    qtbot: QtBot,
    clinic: Clinic,
    screenshots: Path,  # noqa: F811 - the fixture imported above
    themed: None,  # noqa: F811
) -> None:
    dialog = ClinicSettingsDialog(clinic.context, clinic.messages, clinic.admin)
    qtbot.addWidget(dialog)
    dialog.name.setText("Fjord Street Pain Clinic")
    dialog.state.setCurrentIndex(dialog.state.findData("NY"))
    dialog.show()
    qtbot.waitExposed(dialog)

    image = _saved(dialog.grab().toImage(), screenshots / "clinic-settings.png")

    assert image.width() >= 560
