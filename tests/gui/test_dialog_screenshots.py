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
    dialog.coverage.setCurrentIndex(dialog.coverage.findData("commercial"))
    dialog.allergies.setText("NKDA")
    dialog.allergies.editingFinished.emit()
    # A child on a parent's plan: the insured person's rows show under the relationship.
    insurance = dialog.insurance
    insurance.setChecked(True)
    insurance.payer_name.setText("Northwind Health Plan")
    insurance.payer_id.setText("NWHP1")
    insurance.member_id.setText("NWH00001001")
    insurance.relationship.setCurrentIndex(insurance.relationship.findData("19"))
    insurance.dependent.subscriber_family_name.setText("Ñúñez")
    insurance.dependent.subscriber_given_name.setText("Marisol")
    insurance.address.street.setText("14 Alder Lane")
    insurance.address.city.setText("Portland")
    insurance.address.state.setText("ME")
    insurance.address.zip_code.setText("04101")
    dialog.show()
    qtbot.waitExposed(dialog)

    image = _saved(dialog.grab().toImage(), screenshots / "patient-dialog.png")

    assert image.width() >= 460
    assert insurance.dependent.isVisible() and insurance.address.isVisible()
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
