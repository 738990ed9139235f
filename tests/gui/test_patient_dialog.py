"""New and edit patient: errors next to each field, nothing typed lost, list and page updated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    add_patient,
    clinician,
    show_window,
    when_modal_opens,
)
from tpi_desk.clinical.record import Sex
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.patient_dialog import PatientDialog


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext) -> PatientDialog:
    dialog = PatientDialog(context, actor=clinician(context))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def fill(
    dialog: PatientDialog,
    *,
    mrn: str = "SYN-7001",
    family: str = "Ødegård",
    given: str = "Ingrid",
    weight: str = "61.5",
    allergies: str = "penicillin, latex",
) -> None:
    dialog.mrn.setText(mrn)
    dialog.family_name.setText(family)
    dialog.given_name.setText(given)
    dialog.date_of_birth.setDate(QDate(1988, 2, 29))
    dialog.sex.setCurrentIndex(dialog.sex.findData(Sex.FEMALE))
    dialog.weight_kg.setText(weight)
    dialog.allergies.setText(allergies)


def click_ok(dialog: PatientDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_new_patient_through_the_window_is_listed_and_opened(
    qtbot: QtBot, context: AppContext
) -> None:
    add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = show_window(qtbot, context, RecordingMessages())

    def add(dialog: PatientDialog) -> None:
        fill(dialog)
        click_ok(dialog)

    failures = when_modal_opens(PatientDialog, add)
    window.new_patient_action.trigger()

    assert failures == []
    pane = window.search_pane
    listed = [pane.model.patient_at(row).display_name for row in range(pane.model.rowCount())]
    assert listed == ["Ñúñez, Zoë", "Ødegård, Ingrid"]
    assert window.pages.currentWidget() is window.patient_page
    record = window.patient_page.patient()
    assert record is not None and record.facts.mrn == "SYN-7001"
    assert record.facts.allergies == ("penicillin", "latex")
    assert record.facts.weight_kg == Decimal("61.5")
    assert pane.current_patient_id() == record.id
    assert window.patient_page.banner.name.text() == "Ødegård, Ingrid"


def test_invalid_input_is_named_next_to_each_field_and_kept(
    dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog, mrn="SYN 7001!", family="", weight="sixty")

    click_ok(dialog)

    assert dialog.isVisible() and dialog.saved is None
    assert dialog.field_error("mrn") == "May contain only letters, digits and hyphens"
    assert dialog.field_error("family_name") == "Required"
    assert dialog.field_error("weight_kg") == "Must be a number in kg, e.g. 72.5"
    assert dialog.field_error("given_name") == ""
    assert dialog.mrn.property("invalid") is True
    # Everything typed is still there to correct.
    assert dialog.mrn.text() == "SYN 7001!"
    assert dialog.weight_kg.text() == "sixty"
    assert dialog.given_name.text() == "Ingrid"
    assert dialog.allergies.text() == "penicillin, latex"
    assert context.patients.search("") == []

    dialog.mrn.setText("SYN-7001")
    dialog.family_name.setText("Ødegård")
    dialog.weight_kg.setText("61.5")
    click_ok(dialog)

    assert not dialog.isVisible()
    assert dialog.saved is not None
    assert [p.display_name for p in context.patients.search("")] == ["Ødegård, Ingrid"]


def test_a_missing_date_of_birth_is_required(dialog: PatientDialog) -> None:
    fill(dialog)
    dialog.date_of_birth.clear()
    click_ok(dialog)
    assert dialog.field_error("date_of_birth") == "Required"
    assert dialog.saved is None


def test_a_duplicate_mrn_from_the_service_shows_next_to_the_mrn(
    dialog: PatientDialog, context: AppContext
) -> None:
    add_patient(context, "SYN-7001", "Ñúñez", "Zoë")
    fill(dialog, mrn="SYN-7001")

    click_ok(dialog)

    assert dialog.field_error("mrn") == "SYN-7001 already belongs to another patient"
    assert dialog.isVisible() and dialog.mrn.text() == "SYN-7001"
    assert len(context.patients.search("")) == 1


def test_editing_a_patient_updates_the_page_and_the_list(qtbot: QtBot, context: AppContext) -> None:
    patient = add_patient(context, "SYN-1001", "Ñúñez", "Zoë", allergies=())
    window = show_window(qtbot, context, RecordingMessages())
    window.open_patient(patient.id)
    assert window.patient_page.banner.allergies.text() == "None recorded"

    def edit(dialog: PatientDialog) -> None:
        assert dialog.mrn.text() == "SYN-1001"
        assert dialog.weight_kg.text() == "68.5"
        dialog.allergies.setText("sulfa drugs")
        dialog.given_name.setText("Zoë Amélie")
        click_ok(dialog)

    failures = when_modal_opens(PatientDialog, edit)
    window.patient_page.banner.edit_button.click()

    assert failures == []
    assert window.patient_page.banner.allergies.text() == "sulfa drugs"
    assert window.patient_page.banner.name.text() == "Ñúñez, Zoë Amélie"
    assert window.search_pane.model.patient_at(0).display_name == "Ñúñez, Zoë Amélie"
    assert context.patients.get(patient.id).version == patient.version + 1


def test_cancel_adds_nothing(qtbot: QtBot, context: AppContext) -> None:
    window = show_window(qtbot, context, RecordingMessages())

    def cancel(dialog: PatientDialog) -> None:
        fill(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    failures = when_modal_opens(PatientDialog, cancel)
    window.first_run_page.new_patient_button.click()

    assert failures == []
    assert context.patients.search("") == []
    assert window.pages.currentWidget() is window.first_run_page


def test_without_a_signed_in_user_nothing_is_saved_and_the_dialog_says_why(
    qtbot: QtBot, context: AppContext
) -> None:
    dialog = PatientDialog(context)
    qtbot.addWidget(dialog)
    dialog.open()
    fill(dialog)

    click_ok(dialog)

    assert dialog.isVisible() and dialog.saved is None
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text().startswith("Sign in first")
    assert dialog.mrn.text() == "SYN-7001"
    assert context.patients.search("") == []


@pytest.mark.parametrize("typed", ["NKDA", "nkda.", "No known drug allergies", "Denies allergies"])
def test_a_no_known_allergy_answer_typed_is_the_box_not_an_allergy(
    dialog: PatientDialog, typed: str
) -> None:
    """Failed before for the longer answers: they were saved as an allergy of that name."""
    fill(dialog, allergies="")
    dialog.allergies.setText(typed)
    dialog.allergies.editingFinished.emit()
    assert dialog.no_known_drug_allergies.isChecked()

    click_ok(dialog)

    assert dialog.saved is not None
    assert dialog.saved.facts.allergies == ()
    assert dialog.saved.facts.no_known_drug_allergies


def test_not_asked_stays_distinct_from_no_known_allergies(dialog: PatientDialog) -> None:
    fill(dialog, allergies="")
    click_ok(dialog)
    assert dialog.saved is not None
    assert dialog.saved.facts.allergies == ()
    assert not dialog.saved.facts.no_known_drug_allergies
