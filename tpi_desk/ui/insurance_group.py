"""The patient dialog's insurance group: payer, member and group, and the patient's
relationship to the insured in plain words; for a patient insured through someone else, the
insured person (``DependentFields``); for every patient, the patient's own address
(``PatientAddressFields``), which every claim carries. Each field shows its own problem
beneath it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.insurance import (
    RELATIONSHIP_WORDS,
    InsuredRelationship,
    PatientInsurance,
)
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.dependent_fields import DEPENDENT_FIELDS, DependentFields
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.patient_address_fields import ADDRESS_FIELDS, PatientAddressFields

INSURANCE_FIELDS = ("payer_name", "payer_id", "member_id", "group_number", "relationship")
INSURANCE_LABELS = ("Payer", "Payer ID", "Member ID", "Group number", "Patient is")


def insurance_field_of(path: str) -> str | None:
    """The insurance field a problem path names (``patient.insurance.member_id`` ->
    ``member_id``), or None for a path outside the insurance."""
    _, found, rest = path.partition("insurance.")
    known = (*INSURANCE_FIELDS, *DEPENDENT_FIELDS, *ADDRESS_FIELDS)
    return rest if found and rest in known else None


class InsuranceGroup(QGroupBox):
    """ "Insurance on file", checkable: unchecked means the patient has none on file."""

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Insurance on file", parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.setToolTip("The payer professional claims (X12 837P) go to")
        self.payer_name = QLineEdit()
        self.payer_name.setPlaceholderText("e.g. Northwind Health Plan")
        self.payer_id = QLineEdit()
        self.payer_id.setPlaceholderText("The payer's electronic ID, e.g. NWHP1")
        self.member_id = QLineEdit()
        self.member_id.setPlaceholderText("As on the insurance card")
        self.group_number = QLineEdit()
        self.group_number.setPlaceholderText("Optional")
        self.relationship = QComboBox()
        for relationship, words in RELATIONSHIP_WORDS.items():
            self.relationship.addItem(words, relationship.value)
        self._fields: dict[str, QWidget] = dict(
            zip(
                INSURANCE_FIELDS,
                (
                    self.payer_name,
                    self.payer_id,
                    self.member_id,
                    self.group_number,
                    self.relationship,
                ),
                strict=True,
            )
        )
        self.dependent = DependentFields(today or date.today())
        self._fields.update(self.dependent.widgets)
        self.address = PatientAddressFields()
        self._fields.update(self.address.widgets)
        self._errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label in zip(INSURANCE_FIELDS, INSURANCE_LABELS, strict=True):
            form.addRow(label, self._with_error_label(name))
        self.dependent.lay_out({name: self._with_error_label(name) for name in DEPENDENT_FIELDS})
        form.addRow(self.dependent)
        self.address.lay_out({name: self._with_error_label(name) for name in ADDRESS_FIELDS})
        form.addRow(self.address)
        _align_label_columns(form, self.dependent.layout(), self.address.layout())
        self.relationship.currentIndexChanged.connect(self._show_dependent_fields)
        self._show_dependent_fields()

    def is_dependent(self) -> bool:
        """The relationship chosen is not "Self"."""
        return InsuredRelationship(self.relationship.currentData()) is not InsuredRelationship.SELF

    def _show_dependent_fields(self) -> None:
        self.dependent.setVisible(self.is_dependent())

    def insurance(self) -> PatientInsurance | None:
        """What is typed, trimmed; None when the group is unchecked."""
        if not self.isChecked():
            return None
        dependent = self.is_dependent()
        return PatientInsurance(
            payer_name=self.payer_name.text().strip(),
            payer_id=self.payer_id.text().strip(),
            member_id=self.member_id.text().strip(),
            group_number=self.group_number.text().strip(),
            relationship=InsuredRelationship(self.relationship.currentData()),
            subscriber=self.dependent.subscriber() if dependent else None,
            patient_address=self.address.patient_address(),
        )

    def typing_problems(self) -> list[FieldProblem]:
        """What was typed that cannot be read (a date of birth that is no date)."""
        if not self.isChecked() or not self.is_dependent():
            return []
        return self.dependent.typing_problems()

    def show_insurance(self, insurance: PatientInsurance | None) -> None:
        self.setChecked(insurance is not None)
        if insurance is None:
            self.dependent.show_on_file(None)
            self.address.show_on_file(None)
            return
        self.payer_name.setText(insurance.payer_name)
        self.payer_id.setText(insurance.payer_id)
        self.member_id.setText(insurance.member_id)
        self.group_number.setText(insurance.group_number)
        self.relationship.setCurrentIndex(
            max(0, self.relationship.findData(insurance.relationship.value))
        )
        self.dependent.show_on_file(insurance.subscriber)
        self.address.show_on_file(insurance.patient_address)

    def field_error(self, name: str) -> str:
        """The message shown under field ``name`` ("" when it has none)."""
        label = self._errors[name]
        return label.text() if label.isVisibleTo(self) else ""

    def show_problem(self, problem: FieldProblem) -> QWidget | None:
        """Show ``problem`` under its field; that field, or None when no field holds it."""
        name = insurance_field_of(problem.path)
        if name is None:
            return None
        message = problem.message.removeprefix("is ")
        label = self._errors[name]
        label.setText(message[:1].upper() + message[1:])
        label.show()
        return self._fields[name]

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.hide()
            label.clear()

    def _with_error_label(self, name: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self._fields[name])
        error = error_label()
        error.setProperty("role", "field-error")
        column.addWidget(error)
        self._errors[name] = error
        return box


def _align_label_columns(*layouts: QLayout | None) -> None:
    """The insurance's rows, the insured person's and the address's are three forms, one under
    the other: their labels get one width, so that their fields start in one column."""
    labels = [
        label
        for layout in layouts
        if isinstance(layout, QFormLayout)
        for row in range(layout.rowCount())
        if (item := layout.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and (label := item.widget()) is not None
    ]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
