"""The insurance group's fields for a patient insured through someone else: the insured
person (name, date of birth, sex), whom a claim for a spouse, child or other dependent names.
Shown only when the relationship is not "Self" (the patient's address, asked for every
patient, is ``PatientAddressFields``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from tpi_desk.clinical.field_problems import problem
from tpi_desk.clinical.insured_person import (
    SUBSCRIBER_SEX_WORDS,
    Subscriber,
    SubscriberSex,
)
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.date_of_birth_field import DateOfBirthField
from tpi_desk.ui.form_rows import lay_out_rows

# The fields by their path inside ``patient.insurance``.
DEPENDENT_FIELDS = (
    "subscriber.family_name", "subscriber.given_name", "subscriber.date_of_birth",
    "subscriber.sex",
)  # fmt: skip
# The form's rows (label, fields side by side): four fields in three rows, so that the
# dialog of a dependent still fits a 1366x768 laptop screen.
DEPENDENT_ROWS = (
    ("Insured's family name", ("subscriber.family_name",)),
    ("Insured's given name", ("subscriber.given_name",)),
    ("Insured's birth date, sex", ("subscriber.date_of_birth", "subscriber.sex")),
)  # fmt: skip
BIRTH_DATE_PATH = "patient.insurance.subscriber.date_of_birth"


class DependentFields(QWidget):
    """The insured person, laid out as rows of a form.

    Left all blank, it reads as "not on file" (a claim then names it as missing)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subscriber_family_name = QLineEdit()
        self.subscriber_given_name = QLineEdit()
        self.subscriber_date_of_birth = DateOfBirthField(today)
        self.subscriber_date_of_birth.setAccessibleName("Insured person's date of birth")
        self.subscriber_sex = QComboBox()
        for sex, words in SUBSCRIBER_SEX_WORDS.items():
            self.subscriber_sex.addItem(words, sex.value)
        self.subscriber_sex.setCurrentIndex(self.subscriber_sex.findData(SubscriberSex.UNKNOWN))
        self.widgets: dict[str, QWidget] = dict(
            zip(
                DEPENDENT_FIELDS,
                (
                    self.subscriber_family_name,
                    self.subscriber_given_name,
                    self.subscriber_date_of_birth,
                    self.subscriber_sex,
                ),
                strict=True,
            )
        )
        self.setToolTip("The patient is insured through someone else: the insured person")

    def lay_out(self, boxes: dict[str, QWidget]) -> None:
        """Place each field's box (the field with its error label) in the form's rows."""
        lay_out_rows(self, DEPENDENT_ROWS, boxes)

    def subscriber(self) -> Subscriber | None:
        """The insured person typed (None when every field of them is blank)."""
        family = self.subscriber_family_name.text().strip()
        given = self.subscriber_given_name.text().strip()
        if not (family or given or not self.subscriber_date_of_birth.is_blank()):
            return None
        return Subscriber(
            family_name=family,
            given_name=given,
            date_of_birth=self.subscriber_date_of_birth.born(),
            sex=SubscriberSex(self.subscriber_sex.currentData()),
        )

    def typing_problems(self) -> list[FieldProblem]:
        """A date of birth typed that is no date (the checks cannot see what was typed)."""
        field = self.subscriber_date_of_birth
        if field.is_blank() or field.born() is not None:
            return []
        return [problem(BIRTH_DATE_PATH, f"is not a date: type it as {field.shown_format()}")]

    def show_on_file(self, subscriber: Subscriber | None) -> None:
        """Show the insured person on file (blank fields when none is)."""
        self.subscriber_family_name.setText(subscriber.family_name if subscriber else "")
        self.subscriber_given_name.setText(subscriber.given_name if subscriber else "")
        born = subscriber.date_of_birth if subscriber else None
        self.subscriber_date_of_birth.setText("")
        if born is not None:
            self.subscriber_date_of_birth.setDate(QDate(born.year, born.month, born.day))
        sex = subscriber.sex if subscriber else SubscriberSex.UNKNOWN
        self.subscriber_sex.setCurrentIndex(self.subscriber_sex.findData(sex.value))
