"""The patient's own address in the patient dialog's "Insurance on file" group, asked for
every relationship (005010X222A1 2010BA N3/N4: "Required when the patient is the
subscriber"; 2010CA N3/N4 for a dependent): shown for "Self" too, typed, saved and shown
again, and a bad field named under it in words; the insured person stays for dependents."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.test_patient_dependent_dialog import type_address
from tests.gui.test_patient_dialog import click_ok, fill
from tests.gui.test_patient_insurance_dialog import dialog, type_insurance
from tests.gui.window_support import clinician
from tpi_desk.clinical.insured_person import PostalAddress
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.patient_dialog import PatientDialog

__all__ = ["dialog"]

SELF = "18"
ADDRESS = PostalAddress("14 Alder Lane", "Portland", "ME", "04101")


def as_self(dialog: PatientDialog) -> None:
    group = dialog.insurance
    group.relationship.setCurrentIndex(group.relationship.findData(SELF))


@pytest.mark.parametrize(
    ("relationship", "insured_person_shown"),
    [
        # 2010BA N3/N4 "Required when the patient is the subscriber"; no insured person.
        (SELF, False),
        # 2010CA N3/N4 for the dependent's address; 2010BA names the insured person.
        ("01", True),
        ("19", True),
        ("G8", True),
    ],
)
def test_the_address_is_asked_for_every_relationship(
    dialog: PatientDialog, relationship: str, insured_person_shown: bool
) -> None:
    group = dialog.insurance
    group.setChecked(True)
    group.relationship.setCurrentIndex(group.relationship.findData(relationship))

    assert group.address.isVisibleTo(dialog)
    assert group.address.street.isVisibleTo(dialog)
    assert group.address.zip_code.isVisibleTo(dialog)
    assert group.dependent.isVisibleTo(dialog) is insured_person_shown


def test_the_address_of_a_patient_who_is_the_insured_is_saved_and_shown_again(
    qtbot: QtBot, dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_insurance(dialog)
    as_self(dialog)
    type_address(dialog)

    click_ok(dialog)

    assert dialog.saved is not None
    insurance = context.patients.get(dialog.saved.id).facts.insurance
    assert insurance is not None and not insurance.is_dependent
    assert insurance.patient_address == ADDRESS
    assert insurance.subscriber is None

    again = PatientDialog(context, dialog.saved, actor=clinician(context))
    qtbot.addWidget(again)
    fields = again.insurance.address
    assert (fields.street.text(), fields.city.text()) == ("14 Alder Lane", "Portland")
    assert (fields.state.text(), fields.zip_code.text()) == ("ME", "04101")
    assert again.insurance.relationship.currentText() == "Self (the patient is the insured)"


def test_a_patient_who_is_the_insured_may_be_saved_before_the_address_is_known(
    dialog: PatientDialog, context: AppContext
) -> None:
    fill(dialog)
    type_insurance(dialog)
    as_self(dialog)

    click_ok(dialog)

    assert dialog.saved is not None
    insurance = context.patients.get(dialog.saved.id).facts.insurance
    assert insurance is not None and insurance.patient_address is None


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("zip_code", "4101", "Must be 5 or 9 digits"),
        ("state", "M", "Must be the state's two capital letters"),
        ("city", "", "Required"),
    ],
)
def test_a_bad_field_of_the_address_of_a_patient_who_is_the_insured_is_named_under_it(
    dialog: PatientDialog, context: AppContext, field: str, typed: str, message: str
) -> None:
    fill(dialog)
    type_insurance(dialog)
    as_self(dialog)
    type_address(dialog)
    getattr(dialog.insurance.address, field).setText(typed)

    click_ok(dialog)

    assert dialog.saved is None
    assert dialog.insurance.field_error(f"patient_address.{field}").startswith(message)
    assert dialog.insurance.field_error("member_id") == ""
    assert context.patients.search("") == []
