"""The pieces of the account forms (add a user, change a user, reset a password): fields,
role choices, and the red messages under each field."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import Role
from tpi_desk.services.dto import UserRecord
from tpi_desk.ui.error_label import error_label

# Roles that document procedures: only they have credentials, an NPI and certifications.
CLINICAL_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})
NOT_CLINICAL_HINT = "Only clinicians (physicians, nurse practitioners and PAs) have this."

ROLE_LABELS = {
    Role.PHYSICIAN: "Physician",
    Role.NURSE_PRACTITIONER: "Nurse practitioner / PA",
    Role.BILLING: "Billing",
    Role.ADMIN: "Administrator",
}

ACUPUNCTURE_TEXT = "Certified to practise acupuncture"
ACUPUNCTURE_HINT = (
    "A state acupuncture certification (New York treats dry needling as acupuncture: "
    "physicians dry needling there are reminded when it is not ticked)"
)


class FieldErrors:
    """Red plain-words messages under form fields, keyed by the services' problem paths."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def label_for(self, path: str) -> QLabel:
        label = error_label()
        label.setObjectName("fieldError")
        self.labels[path] = label
        return label

    def show(self, problems: tuple[FieldProblem, ...], fallback: QLabel) -> None:
        """Each problem under its field; problems for other paths go to ``fallback``."""
        self.clear()
        others = []
        for problem in problems:
            label = self.labels.get(problem.path)
            if label is None:
                others.append(f"{problem.label}: {problem.message}")
            else:
                shown = label.text()
                label.setText(f"{shown}\n{problem.message}".strip() if shown else problem.message)
                label.show()
        if others:
            fallback.setText("\n".join(others))
            fallback.show()

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()

    def text(self, path: str) -> str:
        return self.labels[path].text()


def password_fields(form: QFormLayout, errors: FieldErrors) -> tuple[QLineEdit, QLineEdit]:
    """A password and its repetition, both masked, with room for their errors."""
    password = QLineEdit()
    password.setEchoMode(QLineEdit.EchoMode.Password)
    again = QLineEdit()
    again.setEchoMode(QLineEdit.EchoMode.Password)
    password.setAccessibleName("Password")
    again.setAccessibleName("Password again")
    form.addRow("Password", password)
    form.addRow("", errors.label_for("user.password"))
    form.addRow("Password again", again)
    form.addRow("", errors.label_for("user.password_again"))
    return password, again


MISMATCH = FieldProblem("user.password_again", "Password again", "does not match the password")


@dataclass(frozen=True)
class AccountFields:
    """Username, name, role, credentials, NPI and acupuncture certification, each with its
    error line."""

    username: QLineEdit
    display_name: QLineEdit
    role: QComboBox
    credentials: QLineEdit
    npi: QLineEdit
    acupuncture_certified: QCheckBox

    @classmethod
    def add_rows(cls, form: QFormLayout, errors: FieldErrors) -> AccountFields:
        fields = cls(
            QLineEdit(),
            QLineEdit(),
            QComboBox(),
            QLineEdit(),
            QLineEdit(),
            QCheckBox(ACUPUNCTURE_TEXT),
        )
        fields.acupuncture_certified.setToolTip(ACUPUNCTURE_HINT)
        fields.credentials.setPlaceholderText("MD, DO, NP, PA-C, L.Ac. (clinicians only)")
        fields.npi.setPlaceholderText("10 digits (clinicians only)")
        for role, label in ROLE_LABELS.items():
            fields.role.addItem(label, role.value)
        for path, caption, field in (
            ("user.username", "Username", fields.username),
            ("user.display_name", "Name", fields.display_name),
            ("user.role", "Role", fields.role),
            ("user.credentials", "Credentials", fields.credentials),
            ("user.npi", "NPI", fields.npi),
        ):
            field.setAccessibleName(caption)
            form.addRow(caption, field)
            form.addRow("", errors.label_for(path))
        form.addRow("", fields.acupuncture_certified)
        form.addRow("", errors.label_for("user.acupuncture_certified"))
        fields.acupuncture_certified.setAccessibleName(ACUPUNCTURE_TEXT)
        fields.role.currentIndexChanged.connect(lambda _row: fields.follow_role())
        fields.follow_role()
        return fields

    def clinical_fields(self) -> tuple[QLineEdit, QLineEdit, QCheckBox]:
        return (self.credentials, self.npi, self.acupuncture_certified)

    def follow_role(self) -> None:
        """Credentials, NPI and certification only for clinicians: for billing and
        administrators they are disabled, so Tab goes from the role straight on (a password
        typed there never lands in a plain-text field)."""
        clinical = self.chosen_role() in CLINICAL_ROLES
        for field in self.clinical_fields():
            field.setEnabled(clinical)
            field.setToolTip("" if clinical else NOT_CLINICAL_HINT)
        if clinical:
            self.acupuncture_certified.setToolTip(ACUPUNCTURE_HINT)

    def clinical_values(self) -> tuple[str, str, bool]:
        """Credentials, NPI and certification as saved: empty for other roles."""
        if self.chosen_role() not in CLINICAL_ROLES:
            return "", "", False
        return (
            self.credentials.text(),
            self.npi.text().strip(),
            self.acupuncture_certified.isChecked(),
        )

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def fill(self, user: UserRecord) -> None:
        """Show ``user``'s values; the username cannot change (the audit trail names it)."""
        self.username.setText(user.username)
        self.username.setReadOnly(True)
        self.username.setToolTip("A username never changes: the audit trail names it.")
        self.display_name.setText(user.display_name)
        self.role.setCurrentIndex(self.role.findData(user.role.value))
        self.credentials.setText(user.credentials)
        self.npi.setText(user.npi)
        self.acupuncture_certified.setChecked(user.acupuncture_certified)
