"""The insurance group's fields for a patient insured through someone else (issue 15): the
insured person shown only when the relationship is not "Self", typed and saved with the
patient's address, shown again when the patient is edited, and each bad field named under it
in words (the address of a patient who is the insured: test_patient_self_address_dialog)."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.test_patient_dialog import click_ok, fill
from tests.gui.test_patient_insurance_dialog import dialog, type_insurance
from tests.gui.window_support import clinician
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber, SubscriberSex
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.patient_dialog import PatientDialog

__all__ = ["dialog"]


def type_dependent(
    dialog: PatientDialog, *, born: str = "08/14/1961", zip_code: str = "04101"
) -> None:
    """A child on a parent's plan: the insured person and the patient's address."""
    type_insurance(dialog)
    group = dialog.insurance
    group.relationship.setCurrentIndex(group.relationship.findData("19"))
    fields = group.dependent
    fields.subscriber_family_name.setText("Okafor")
    fields.subscriber_given_name.setText("Adaeze")
    fields.subscriber_date_of_birth.setText(born)
    fields.subscriber_sex.setCurrentIndex(fields.subscriber_sex.findData("F"))
    type_address(dialog, zip_code=zip_code)


def type_address(dialog: PatientDialog, *, zip_code: str = "04101") -> None:
    """The patient's own address, asked for whoever the insured is."""
    address = dialog.insurance.address
    address.street.setText("14 Alder Lane")
    address.city.setText("Portland")
    address.state.setText("me")
    address.zip_code.setText(zip_code)


def test_the_insured_person_is_asked_for_only_when_the_patient_is_not_the_insured(
    dialog: PatientDialog,
) -> None:
    group = dialog.insurance
    group.setChecked(True)
    assert not group.dependent.isVisibleTo(dialog)

    group.relationship.setCurrentIndex(group.relationship.findData("01"))
    assert group.dependent.isVisibleTo(dialog)

    group.relationship.setCurrentIndex(group.relationship.findData("18"))
    assert not group.dependent.isVisibleTo(dialog)


def test_a_dependent_typed_is_saved_and_shown_again(
    qtbot: QtBot, dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_dependent(dialog)

    click_ok(dialog)

    assert dialog.saved is not None
    insurance = context.patients.get(dialog.saved.id).facts.insurance
    assert insurance is not None
    assert insurance.subscriber == Subscriber(
        "Okafor", "Adaeze", date(1961, 8, 14), SubscriberSex.FEMALE
    )
    assert insurance.patient_address == PostalAddress("14 Alder Lane", "Portland", "ME", "04101")

    again = PatientDialog(context, dialog.saved, actor=clinician(context))
    qtbot.addWidget(again)
    fields = again.insurance.dependent
    assert fields.subscriber_family_name.text() == "Okafor"
    assert fields.subscriber_date_of_birth.born() == date(1961, 8, 14)
    assert fields.subscriber_sex.currentText() == "Female"
    assert again.insurance.address.zip_code.text() == "04101"


def test_switching_back_to_self_keeps_no_insured_person_but_the_address(
    dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_dependent(dialog)
    dialog.insurance.relationship.setCurrentIndex(dialog.insurance.relationship.findData("18"))

    click_ok(dialog)

    assert dialog.saved is not None and dialog.saved.facts.insurance is not None
    assert dialog.saved.facts.insurance.subscriber is None
    address = PostalAddress("14 Alder Lane", "Portland", "ME", "04101")
    assert dialog.saved.facts.insurance.patient_address == address


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"born": "13/45/1961"}, "subscriber.date_of_birth", "Not a date: type it as MM/DD/YYYY"),
        ({"born": "08/14/2031"}, "subscriber.date_of_birth", "Cannot be in the future"),
        ({"zip_code": "4101"}, "patient_address.zip_code", "Must be 5 or 9 digits"),
    ],
)
def test_a_bad_field_of_the_insured_person_is_named_under_it(
    dialog: PatientDialog, context: AppContext, change: dict[str, str], field: str, message: str
) -> None:
    fill(dialog)
    type_dependent(dialog, **change)

    click_ok(dialog)

    assert dialog.saved is None
    assert dialog.insurance.field_error(field).startswith(message)
    assert dialog.insurance.field_error("member_id") == ""
    assert context.patients.search("") == []


def test_a_half_typed_insured_person_names_what_is_missing(
    dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_dependent(dialog)
    dialog.insurance.dependent.subscriber_given_name.clear()
    dialog.insurance.address.city.clear()

    click_ok(dialog)

    assert dialog.saved is None
    assert dialog.insurance.field_error("subscriber.given_name") == "Required"
    assert dialog.insurance.field_error("patient_address.city") == "Required"


def test_the_dialog_of_a_dependent_fits_a_1366x768_laptop(dialog: PatientDialog) -> None:
    fill(dialog)
    type_dependent(dialog, zip_code="4101")
    click_ok(dialog)  # the ZIP code's error shows too

    # 768 pixels less a taskbar and the window's title bar.
    assert dialog.sizeHint().height() <= 700
