"""The first-start wizard's later pages: the clinic's identity, then its first clinician and
billing accounts (``first_admin_dialog`` holds the administrator page and the flow)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.record import Role
from tpi_desk.clinical.settings import ClinicSettings, clinic_setting_named
from tpi_desk.ui.admin.account_form import ROLE_LABELS
from tpi_desk.ui.choice_combos import choice_combo, select_data

CLINIC_INTRO = (
    "Every note prints the clinic's name, address, phone and NPI at the top; the state "
    "decides the scope-of-practice rules and the place of service goes on each claim. "
    "All of it can be changed later in Admin > Clinic settings."
)
ACCOUNTS_INTRO = (
    "Add the first clinician and the billing account now, or leave a username empty to add "
    "that account later (Admin > Users). Give each person their temporary password; they "
    "change it from their user menu."
)
NOT_SET = "Not set"
CLINICIAN_ROLES = (Role.PHYSICIAN, Role.NURSE_PRACTITIONER)


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("pageSubtitle")
    return label


def _named(field: QWidget, name: str) -> QWidget:
    field.setAccessibleName(name)
    return field


class ClinicIdentityPage(QWidget):
    """Name, address, phone, NPI, place of service and state, as clinic settings."""

    def __init__(
        self,
        states: Mapping[str, str],
        places_of_service: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("As printed at the top of each note")
        self.address = QPlainTextEdit()
        self.address.setPlaceholderText("One line each, e.g. 12 Harbor Street, Portland, ME")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.phone = QLineEdit()
        self.npi = QLineEdit()
        self.npi.setPlaceholderText("The clinic's organisation NPI (10 digits)")
        self.place_of_service = choice_combo(
            {code: f"{code}  {label}" for code, label in places_of_service.items()}, empty=NOT_SET
        )
        self.state = choice_combo(
            {code: f"{code}  {label}" for code, label in states.items()}, empty=NOT_SET
        )
        select_data(self.place_of_service, ClinicSettings().clinic_place_of_service)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for attribute, field in (
            ("clinic_name", self.name),
            ("clinic_address_lines", self.address),
            ("clinic_phone", self.phone),
            ("clinic_npi", self.npi),
            ("clinic_place_of_service", self.place_of_service),
            ("clinic_state", self.state),
        ):
            label = clinic_setting_named(attribute).label
            form.addRow(f"{label}:", _named(field, label))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_intro(CLINIC_INTRO))
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)

    def first_field(self) -> QWidget:
        return self.name

    def values(self) -> dict[str, Any]:
        """The settings to store, by their key (only those filled in)."""
        typed: dict[str, Any] = {
            "clinic_name": self.name.text().strip(),
            "clinic_address_lines": [
                line.strip() for line in self.address.toPlainText().splitlines() if line.strip()
            ],
            "clinic_phone": self.phone.text().strip(),
            "clinic_npi": self.npi.text().strip(),
            "clinic_place_of_service": self.place_of_service.currentData() or "",
            "clinic_state": self.state.currentData() or "",
        }
        return {clinic_setting_named(name).key: value for name, value in typed.items() if value}


@dataclass(frozen=True)
class NewAccountFields:
    """One account of the accounts page: name, username, temporary password (and, for the
    clinician, role, credentials and NPI)."""

    display_name: QLineEdit
    username: QLineEdit
    password: QLineEdit
    role: QComboBox | None = None
    credentials: QLineEdit | None = None
    npi: QLineEdit | None = None

    def wanted(self) -> bool:
        """Whether this account is to be added (a username was typed)."""
        return bool(self.username.text().strip())

    def chosen_role(self, default: Role) -> Role:
        return default if self.role is None else Role(self.role.currentData())


def _account_box(title: str, *, clinician: bool) -> tuple[QGroupBox, NewAccountFields]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    display_name, username, password = QLineEdit(), QLineEdit(), QLineEdit()
    password.setPlaceholderText("Shown, to hand over; they change it after signing in")
    rows: list[tuple[str, QWidget]] = [("Name", display_name), ("Username", username)]
    role = credentials = npi = None
    if clinician:
        role = QComboBox()
        for value in CLINICIAN_ROLES:
            role.addItem(ROLE_LABELS[value], value.value)
        credentials, npi = QLineEdit(), QLineEdit()
        credentials.setPlaceholderText("MD, DO, NP, PA-C")
        npi.setPlaceholderText("10 digits")
        rows += [("Role", role), ("Credentials", credentials), ("NPI", npi)]
    rows.append(("Temporary password", password))
    for caption, field in rows:
        form.addRow(f"{caption}:", _named(field, f"{title}: {caption}"))
    return box, NewAccountFields(display_name, username, password, role, credentials, npi)


class FirstAccountsPage(QWidget):
    """The first clinician and the billing account (either may be left empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        clinician_box, self.clinician = _account_box("First clinician", clinician=True)
        billing_box, self.billing = _account_box("Billing", clinician=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_intro(ACCOUNTS_INTRO))
        layout.addWidget(clinician_box)
        layout.addWidget(billing_box)
        layout.addStretch(1)

    def first_field(self) -> QWidget:
        return self.clinician.display_name
