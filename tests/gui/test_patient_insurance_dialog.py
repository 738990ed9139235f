"""The patient dialog's insurance group (issue 15): typed, saved, shown again when the
patient is edited, each bad field named under it, and unchecked for none on file."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.test_patient_dialog import click_ok, fill
from tests.gui.window_support import clinician
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.patient_dialog import PatientDialog


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext) -> PatientDialog:
    dialog = PatientDialog(context, actor=clinician(context))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def type_insurance(dialog: PatientDialog, *, member_id: str = "NWH00007001") -> None:
    group = dialog.insurance
    group.setChecked(True)
    group.payer_name.setText("Northwind Health Plan (demo)")
    group.payer_id.setText("NWHP1")
    group.member_id.setText(member_id)
    group.group_number.setText("NW-40117")
    group.relationship.setCurrentIndex(group.relationship.findData("01"))


def test_the_relationship_is_offered_in_plain_words(dialog: PatientDialog) -> None:
    combo = dialog.insurance.relationship
    shown = [combo.itemText(index) for index in range(combo.count())]
    assert shown == [
        "Self (the patient is the insured)",
        "Spouse of the insured",
        "Child of the insured",
        "Other relationship to the insured",
    ]
    assert not dialog.insurance.isChecked()


def test_insurance_typed_is_saved_and_shown_again(
    qtbot: QtBot, dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_insurance(dialog)

    click_ok(dialog)

    assert dialog.saved is not None
    expected = PatientInsurance(
        "Northwind Health Plan (demo)", "NWHP1", "NWH00007001", "NW-40117",
        InsuredRelationship.SPOUSE,
    )  # fmt: skip
    assert context.patients.get(dialog.saved.id).facts.insurance == expected

    again = PatientDialog(context, dialog.saved, actor=clinician(context))
    qtbot.addWidget(again)
    assert again.insurance.isChecked()
    assert again.insurance.member_id.text() == "NWH00007001"
    assert again.insurance.relationship.currentText() == "Spouse of the insured"


def test_a_bad_member_id_is_named_under_it_and_kept(
    dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_insurance(dialog, member_id="NWH 7001*")
    dialog.insurance.payer_id.clear()

    click_ok(dialog)

    assert dialog.isVisible() and dialog.saved is None
    assert dialog.insurance.field_error("member_id") == (
        "May contain only letters, digits and hyphens"
    )
    assert dialog.insurance.field_error("payer_id") == "Required"
    assert dialog.insurance.field_error("payer_name") == ""
    assert dialog.insurance.member_id.text() == "NWH 7001*"
    assert context.patients.search("") == []


def test_unchecked_means_no_insurance_on_file(dialog: PatientDialog) -> None:
    fill(dialog)
    type_insurance(dialog)
    dialog.insurance.setChecked(False)

    click_ok(dialog)

    assert dialog.saved is not None
    assert dialog.saved.facts.insurance is None
