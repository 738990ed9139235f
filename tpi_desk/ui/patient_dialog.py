"""New / edit patient: field errors in plain words next to each field; nothing typed is lost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.alerts import is_no_known_allergy
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import Coverage, PatientFacts, Sex
from tpi_desk.clinical.validation import validate_patient
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.date_of_birth_field import DateOfBirthField
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.form_dialog import FormDialog
from tpi_desk.ui.formatting import (
    COVERAGE_NAMES,
    NO_KNOWN_DRUG_ALLERGIES,
    SEX_NAMES,
    format_decimal,
)
from tpi_desk.ui.insurance_group import InsuranceGroup

FIELDS = (
    "mrn",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "weight_kg",
    "coverage",
    "allergies",
    "no_known_drug_allergies",
)
LABELS = (
    "MRN",
    "Family name",
    "Given name",
    "Date of birth",
    "Sex",
    "Weight (kg)",
    "Coverage",
    "Allergies",
    "",
)
ERROR_COLOUR = "#b42318"
_STYLE = f"""
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR_COLOUR};
    border-radius: 3px; padding: 2px; }}
QLabel[role="field-error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="form-error"] {{ color: {ERROR_COLOUR}; font-weight: bold; }}
"""


def field_of(path: str) -> str:
    """The form field a problem path names: ``patient.allergies[1]`` -> ``allergies``."""
    name = path.removeprefix("patient.")
    return name.split(".", 1)[0].split("[", 1)[0]


def shown_at(path: str) -> str:
    """Where a problem is shown: the insurance's own field, or the form's field."""
    return path if path.startswith("patient.insurance.") else field_of(path)


def field_message(problem: FieldProblem) -> str:
    """A problem as it reads next to its field: "Required", "Allergy 2 is required"."""
    if "[" in problem.path:
        item = problem.label.split(": ", 1)[-1]
        return f"{item[:1].upper()}{item[1:]} {problem.message}"
    message = problem.message.removeprefix("is ")
    return message[:1].upper() + message[1:]


class PatientDialog(FormDialog):
    """Add a patient (``record`` None) or change one as ``actor`` (the signed-in user);
    ``ask()`` returns the saved record."""

    def __init__(
        self,
        context: AppContext,
        record: PatientRecord | None = None,
        parent: QWidget | None = None,
        *,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Edit patient" if record else "New patient",
            accept_text="Save changes" if record else "Add patient",
            minimum_width=460,
        )
        self._context = context
        self._record = record
        self._actor = actor
        self.saved: PatientRecord | None = None
        self.setStyleSheet(_STYLE)

        self.mrn = QLineEdit()
        self.mrn.setPlaceholderText("Medical record number, e.g. SYN-004127")
        self.family_name = QLineEdit()
        self.given_name = QLineEdit()
        self.date_of_birth = DateOfBirthField(context.clock().date())
        self.sex = QComboBox()
        for sex in (Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.UNKNOWN):
            self.sex.addItem(SEX_NAMES[sex], sex)
        self.sex.setCurrentIndex(self.sex.findData(Sex.UNKNOWN))
        self.weight_kg = QLineEdit()
        self.weight_kg.setPlaceholderText("e.g. 72.5 (used for mg/kg dose checks)")
        self.allergies = QLineEdit()
        self.allergies.setPlaceholderText("Separate with commas, e.g. penicillin, latex")
        self.coverage = QComboBox()
        for coverage, name in COVERAGE_NAMES.items():
            self.coverage.addItem(name, coverage.value)
        self.coverage.setCurrentIndex(self.coverage.findData(Coverage.UNKNOWN.value))
        self.coverage.setToolTip("Who pays: Medicare-only billing rules (such as GY) follow it")
        self.no_known_drug_allergies = QCheckBox(NO_KNOWN_DRUG_ALLERGIES)
        self.no_known_drug_allergies.setToolTip(
            "Asked, and the patient has none (NKDA). Leave both empty when not asked yet."
        )
        self.insurance = InsuranceGroup(context.clock().date())

        # Above the form, bold: the dialog's style sheet colours it (role "form-error").
        self.error_label.setStyleSheet("")
        self.error_label.setProperty("role", "form-error")
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = dict(
            zip(
                FIELDS,
                (
                    self.mrn,
                    self.family_name,
                    self.given_name,
                    self.date_of_birth,
                    self.sex,
                    self.weight_kg,
                    self.coverage,
                    self.allergies,
                    self.no_known_drug_allergies,
                ),
                strict=True,
            )
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label in zip(FIELDS, LABELS, strict=True):
            form.addRow(label, self._with_error_label(name))
        self.no_known_drug_allergies.toggled.connect(self._on_no_known_allergies)
        self.allergies.editingFinished.connect(self._understand_no_allergy_words)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.insurance)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        if record is not None:
            self._show_facts(record.facts)

    def _on_no_known_allergies(self, checked: bool) -> None:
        """No known drug allergies and a list of allergies exclude each other."""
        if checked:
            self.allergies.clear()
        self.allergies.setEnabled(not checked)

    def _understand_no_allergy_words(self) -> None:
        """ "NKDA" typed as the allergy means the box, not an allergy called NKDA."""
        if is_no_known_allergy(self.allergies.text()):
            self.no_known_drug_allergies.setChecked(True)

    def ask(self) -> PatientRecord | None:
        """Show the dialog modally; the saved patient, or None if the user cancelled."""
        return self.run(lambda: self.saved)

    def field_error(self, name: str) -> str:
        """The message shown next to field ``name`` ("" when it has none)."""
        label = self._errors[name]
        return label.text() if label.isVisibleTo(self) else ""

    def submit(self) -> bool:
        """Save; on any problem keep the dialog open with every typed value in place."""
        self._clear_errors()
        facts, problems = self._read_facts()
        if problems or facts is None:
            self._show_problems(problems)
            return False
        try:
            if self._record is None:
                self.saved = self._context.patients.create(facts, actor=self._actor)
            else:
                self.saved = self._context.patients.update(
                    self._record.id, self._record.version, facts, actor=self._actor
                )
        except ValidationFailed as failed:
            self._show_problems(failed.problems)
            return False
        except UserError as error:
            return self.refuse(error.message)
        return True

    # Reading and showing values

    def _read_facts(self) -> tuple[PatientFacts | None, list[FieldProblem]]:
        local: list[FieldProblem] = []
        weight: Decimal | None = None
        weight_text = self.weight_kg.text().strip()
        if weight_text:
            try:
                weight = Decimal(weight_text)
            except InvalidOperation:
                local.append(
                    FieldProblem(
                        "patient.weight_kg", "Weight (kg)", "must be a number in kg, e.g. 72.5"
                    )
                )
        allergies = tuple(a.strip() for a in self.allergies.text().split(",") if a.strip())
        typed_none = len(allergies) == 1 and is_no_known_allergy(allergies[0])
        none_known = self.no_known_drug_allergies.isChecked() or typed_none
        born = self.date_of_birth.born()
        if born is None:
            local.append(self._date_of_birth_problem())
        local += self.insurance.typing_problems()
        facts = PatientFacts(
            mrn=self.mrn.text().strip(),
            family_name=self.family_name.text().strip(),
            given_name=self.given_name.text().strip(),
            date_of_birth=born or date.min,
            sex=Sex(self.sex.currentData()),
            weight_kg=weight,
            allergies=() if none_known else allergies,
            no_known_drug_allergies=none_known,
            coverage=Coverage(self.coverage.currentData()),
            insurance=self.insurance.insurance(),
        )
        checked = [
            problem
            for problem in validate_patient(facts, today=self._context.clock().date())
            if shown_at(problem.path) not in {shown_at(p.path) for p in local}
        ]
        problems = local + checked
        return (None if problems else facts), problems

    def _date_of_birth_problem(self) -> FieldProblem:
        if self.date_of_birth.is_blank():
            return FieldProblem("patient.date_of_birth", "Date of birth", "is required")
        shown = self.date_of_birth.shown_format()
        return FieldProblem(
            "patient.date_of_birth", "Date of birth", f"is not a date: type it as {shown}"
        )

    def _show_facts(self, facts: PatientFacts) -> None:
        self.mrn.setText(facts.mrn)
        self.family_name.setText(facts.family_name)
        self.given_name.setText(facts.given_name)
        born = facts.date_of_birth
        self.date_of_birth.setDate(QDate(born.year, born.month, born.day))
        self.sex.setCurrentIndex(self.sex.findData(facts.sex))
        self.weight_kg.setText("" if facts.weight_kg is None else format_decimal(facts.weight_kg))
        self.allergies.setText(", ".join(facts.allergies))
        self.coverage.setCurrentIndex(max(0, self.coverage.findData(facts.coverage.value)))
        self.no_known_drug_allergies.setChecked(facts.no_known_drug_allergies)
        self.insurance.show_insurance(facts.insurance)

    def _with_error_label(self, name: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self._field(name))
        error = error_label()
        error.setProperty("role", "field-error")
        column.addWidget(error)
        self._errors[name] = error
        return box

    def _field(self, name: str) -> QWidget:
        return self._fields[name]

    def _show_problems(self, problems: tuple[FieldProblem, ...] | list[FieldProblem]) -> None:
        general = []
        first_bad: QWidget | None = None
        for problem in problems:
            name = field_of(problem.path)
            insurance_field = self.insurance.show_problem(problem)
            if insurance_field is not None:
                first_bad = first_bad or insurance_field
                continue
            label = self._errors.get(name)
            if label is None:
                general.append(f"{problem.label}: {problem.message}")
                continue
            text = field_message(problem)
            label.setText(f"{label.text()}\n{text}" if label.isVisibleTo(self) else text)
            label.show()
            self._mark(self._field(name), invalid=True)
            first_bad = first_bad or self._field(name)
        if general:
            self.refuse("\n".join(general))
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_errors(self) -> None:
        self.clear_error()
        self.error_label.clear()
        self.insurance.clear_errors()
        for name, label in self._errors.items():
            label.hide()
            label.clear()
            self._mark(self._field(name), invalid=False)

    @staticmethod
    def _mark(widget: QWidget, *, invalid: bool) -> None:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
