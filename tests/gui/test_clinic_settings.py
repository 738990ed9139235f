"""The Clinic settings dialog: the services' keys, only changes saved, refusals shown."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.admin.clinic_settings_dialog import COUNT_SIDES_TEXT, ClinicSettingsDialog
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages


class PickingSettingsDialog(ClinicSettingsDialog):
    """Answers the logo file question with a fixed file instead of a file dialog."""

    def __init__(
        self, context: AppContext, messages: UserMessages, actor: Actor, logo: str
    ) -> None:
        super().__init__(context, messages, actor)
        self.logo = logo

    def ask_logo_path(self) -> str:
        return self.logo


def settings_dialog(
    qtbot: QtBot, clinic: Clinic, actor: Actor | None = None
) -> ClinicSettingsDialog:
    dialog = ClinicSettingsDialog(clinic.context, clinic.messages, actor or clinic.admin)
    qtbot.addWidget(dialog)
    return dialog


def setting_changes(clinic: Clinic) -> list[str]:
    page = clinic.audit_log.report(clinic.admin, action="setting_change")
    return sorted(entry.detail for entry in page.rows)


def test_a_new_clinic_shows_the_defaults(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = settings_dialog(qtbot, clinic)
    assert dialog.name.text() == ""
    # Left and right of a paired muscle count as two by default (DOMAIN.md, CPT).
    assert dialog.count_sides.isChecked()
    assert dialog.bill_anaesthetics.isChecked()
    assert dialog.state.currentData() == ""
    assert dialog.place_of_service.currentData() == "11"
    assert dialog.steroid_limit.value() == 240
    assert not dialog.require_cosign.isChecked()
    assert dialog.idle_minutes.value() == 10
    assert dialog.count_sides.text() == COUNT_SIDES_TEXT
    assert dialog.changed_values() == {}


def test_saving_writes_each_changed_setting_under_the_services_keys(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = settings_dialog(qtbot, clinic)
    dialog.name.setText("Clínica Ødegård Pain & Spine")
    dialog.address.setPlainText("12 Fjord Street\n\n  Suite 4  \n")
    dialog.count_sides.setChecked(False)
    dialog.require_cosign.setChecked(True)
    dialog.idle_minutes.setValue(25)
    assert dialog.save()
    assert sorted(dialog.saved_keys) == [
        "clinic.address_lines", "clinic.name", "coding.count_sides_separately",
        "security.idle_lock_minutes", "signing.require_physician_cosign",
    ]  # fmt: skip
    settings = clinic.context.settings
    assert settings.coding_settings(actor=clinic.admin).count_sides_separately is False
    assert settings.require_physician_cosign(actor=clinic.admin) is True
    assert setting_changes(clinic) == [
        'clinic.address_lines: null -> ["12 Fjord Street", "Suite 4"]',
        'clinic.name: null -> "Clínica Ødegård Pain & Spine"',
        "coding.count_sides_separately: null -> false",
        "security.idle_lock_minutes: null -> 25",
        "signing.require_physician_cosign: null -> true",
    ]
    assert dialog.changed_values() == {}
    assert dialog.save()  # nothing changed: nothing written
    assert len(setting_changes(clinic)) == 5


def test_a_reopened_dialog_shows_the_saved_switches(qtbot: QtBot, clinic: Clinic) -> None:
    first = settings_dialog(qtbot, clinic)
    first.require_cosign.setChecked(True)
    assert first.save()
    again = settings_dialog(qtbot, clinic)
    assert again.require_cosign.isChecked()
    assert again.count_sides.isChecked()


def test_state_place_of_service_and_the_coding_and_safety_settings_are_saved(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = settings_dialog(qtbot, clinic)
    dialog.state.setCurrentIndex(dialog.state.findData("NY"))
    dialog.place_of_service.setCurrentIndex(dialog.place_of_service.findData("22"))
    dialog.bill_anaesthetics.setChecked(False)
    dialog.steroid_limit.setValue(160)
    assert dialog.changed_values() == {
        "clinic.state": "NY",
        "clinic.place_of_service": "22",
        "coding.bill_local_anesthetic_drugs": False,
        "safety.steroid_limit_90_days_triamcinolone_mg": 160,
    }
    assert dialog.save()
    saved = clinic.context.settings.load(actor=clinic.admin)
    assert (saved.clinic_state, saved.clinic_place_of_service) == ("NY", "22")
    assert saved.bill_local_anesthetic_drugs is False
    assert saved.steroid_limit_90_days_mg == 160
    again = settings_dialog(qtbot, clinic)
    assert again.state.currentText() == "NY  New York"
    assert again.place_of_service.currentText() == "22  On campus, outpatient hospital"
    assert not again.bill_anaesthetics.isChecked()
    assert again.steroid_limit.value() == 160
    assert again.changed_values() == {}


def test_export_file_names_with_the_patient_are_a_saved_switch(
    qtbot: QtBot, clinic: Clinic
) -> None:
    # Off by default: exported PDFs are named by date and session id (issue 13).
    dialog = settings_dialog(qtbot, clinic)
    assert not dialog.export_names.isChecked()
    dialog.export_names.setChecked(True)
    assert dialog.changed_values() == {"export.file_names_with_patient": True}
    assert dialog.save()
    assert clinic.context.settings.load(actor=clinic.admin).file_names_with_patient is True
    again = settings_dialog(qtbot, clinic)
    assert again.export_names.isChecked()
    assert again.changed_values() == {}


def test_the_idle_lock_stays_within_1_to_120_minutes(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = settings_dialog(qtbot, clinic)
    dialog.idle_minutes.setValue(500)
    assert dialog.settings().idle_lock_minutes == 120
    dialog.idle_minutes.setValue(0)
    assert dialog.settings().idle_lock_minutes == 1


def test_browse_puts_the_chosen_logo_in_the_field(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = PickingSettingsDialog(
        clinic.context, clinic.messages, clinic.admin, "logos/clinic-logo.png"
    )
    qtbot.addWidget(dialog)
    dialog.browse_button.click()
    assert dialog.logo_path.text() == "logos/clinic-logo.png"
    assert dialog.changed_values() == {"clinic.logo_path": "logos/clinic-logo.png"}


def test_a_physician_is_refused_with_the_services_message(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = settings_dialog(qtbot, clinic, clinic.physician)
    dialog.require_cosign.setChecked(True)
    assert dialog.save() is False
    assert clinic.messages.shown == [
        (
            "error",
            "Clinic settings",
            "ihartley (physician) may not change clinic settings.",
        )
    ]
    assert clinic.context.settings.require_physician_cosign(actor=clinic.admin) is False
