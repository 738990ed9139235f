"""Admin > Billing identity (issue 15): the clinic's claim identity typed, checked by the
settings service (a bad NPI named, nothing else lost), saved and shown again."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tests.gui.test_clinic_settings import setting_changes
from tpi_desk.ui.admin.billing_identity_dialog import BillingIdentityDialog


def billing_dialog(qtbot: QtBot, clinic: Clinic) -> BillingIdentityDialog:
    dialog = BillingIdentityDialog(clinic.context, clinic.messages, clinic.admin)
    qtbot.addWidget(dialog)
    return dialog


def test_the_billing_identity_is_saved_and_shown_again(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = billing_dialog(qtbot, clinic)
    typed = {
        "clinic_name": "Harbor Pain Clinic",
        "clinic_npi": "1245319599",
        "clinic_tax_id": "12-3456789",
        "clinic_street": "12 Harbor Street",
        "clinic_city": "Portland",
        "clinic_state": "ME",
        "clinic_zip": "04101-2201",
        "claims_receiver_id": "DEMOCH1",
    }
    for name, value in typed.items():
        dialog.fields[name].setText(value)

    assert dialog.save()

    assert len(dialog.saved_keys) == len(typed)
    settings = clinic.context.settings.load(actor=clinic.admin)
    assert (settings.clinic_npi, settings.clinic_tax_id, settings.clinic_zip) == (
        "1245319599",
        "12-3456789",
        "04101-2201",
    )
    assert 'clinic.tax_id: null -> "12-3456789"' in setting_changes(clinic)
    again = billing_dialog(qtbot, clinic)
    assert again.fields["clinic_city"].text() == "Portland"
    assert again.changed_values() == {}


def test_a_bad_npi_is_named_and_the_typed_values_stay(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = billing_dialog(qtbot, clinic)
    dialog.fields["clinic_npi"].setText("1245319598")

    assert not dialog.save()

    (shown,) = clinic.messages.shown
    assert shown[0] == "error" and "Setting clinic.npi: has an invalid check digit" in shown[2]
    assert dialog.fields["clinic_npi"].text() == "1245319598"
    assert clinic.context.settings.load(actor=clinic.admin).clinic_npi == ""
