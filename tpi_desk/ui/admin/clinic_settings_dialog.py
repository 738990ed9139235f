"""The administrator's clinic settings: the PDF header, coding, co-signature and idle lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import (
    CLINIC_ADDRESS_LINES,
    CLINIC_LOCATION,
    CLINIC_LOGO_PATH,
    CLINIC_NAME,
    CLINIC_PHONE,
)
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import (
    COUNT_SIDES_SEPARATELY,
    REQUIRE_PHYSICIAN_COSIGN,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

IDLE_LOCK_MINUTES = "security.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
IDLE_LOCK_RANGE = (1, 120)
TEXT_KEYS = (CLINIC_NAME, CLINIC_PHONE, CLINIC_LOGO_PATH, CLINIC_LOCATION)
COUNT_SIDES_TEXT = "Count left and right of one muscle as two muscles for CPT"
COUNT_SIDES_HINT = (
    "On: a bilateral upper trapezius counts as two muscles when choosing the injection code. "
    "Off: it counts as one. Ask your billing staff which your payers expect."
)
COSIGN_TEXT = "Notes signed by nurse practitioners and PAs need a physician's co-signature"


def stored_values(context: AppContext, actor: Actor) -> dict[str, Any]:
    """The settings as stored: every key when the settings service can list them, else the
    two it reads today (the form then saves only the fields the user changes)."""
    service = context.settings
    reader = getattr(service, "values", None)
    values: dict[str, Any] = {}
    if callable(reader):
        found = reader(actor=actor)
        if isinstance(found, Mapping):
            values.update(found)
    values.setdefault(
        COUNT_SIDES_SEPARATELY,
        service.coding_settings(actor=actor).count_sides_separately,
    )
    values.setdefault(REQUIRE_PHYSICIAN_COSIGN, service.require_physician_cosign(actor=actor))
    return values


class ClinicSettingsDialog(QDialog):
    """Edits the clinic's settings; Save writes each changed one (each change is audited)."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self._context = context
        self._messages = messages
        self._actor = actor
        self.saved_keys: list[str] = []
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setPlaceholderText("One line each, as printed under the clinic name")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self.phone = QLineEdit()
        self.logo_path = QLineEdit()
        self.logo_path.setPlaceholderText("A PNG or JPEG file printed at the top of each note")
        self.browse_button = QPushButton("Browse…")
        self.location = QLineEdit()
        self.location.setPlaceholderText("e.g. Main Street office")
        self.count_sides = QCheckBox(COUNT_SIDES_TEXT)
        self.require_cosign = QCheckBox(COSIGN_TEXT)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*IDLE_LOCK_RANGE)
        self.idle_minutes.setSuffix(" minutes")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._lay_out()
        self._connect_signals()
        self._initial: dict[str, Any] = {}
        self.load()

    def _lay_out(self) -> None:
        header = QGroupBox("Note header (printed on every PDF)")
        header_form = QFormLayout(header)
        header_form.addRow("Clinic name", self.name)
        header_form.addRow("Address", self.address)
        header_form.addRow("Phone", self.phone)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(self.browse_button)
        header_form.addRow("Logo file", logo_row)
        header_form.addRow("Location", self.location)
        rules = QGroupBox("Coding and signing")
        rules_layout = QVBoxLayout(rules)
        rules_layout.addWidget(self.count_sides)
        hint = QLabel(COUNT_SIDES_HINT)
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        hint.setContentsMargins(24, 0, 0, 6)
        rules_layout.addWidget(hint)
        rules_layout.addWidget(self.require_cosign)
        security = QGroupBox("Security")
        security_form = QFormLayout(security)
        security_form.addRow("Lock the screen after", self.idle_minutes)
        idle_hint = QLabel("of no keyboard or mouse use; drafts are kept while locked.")
        idle_hint.setWordWrap(True)
        security_form.addRow("", idle_hint)
        layout = QVBoxLayout(self)
        for group in (header, rules, security):
            layout.addWidget(group)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _connect_signals(self) -> None:
        self.browse_button.clicked.connect(self._browse_logo)
        self.buttons.accepted.connect(self._save_and_close)
        self.buttons.rejected.connect(self.reject)

    def ask(self) -> bool:
        """Show the dialog; True when settings were saved."""
        return self.exec() == QDialog.DialogCode.Accepted

    def ask_logo_path(self) -> str:
        """The logo file the user picks ("" when cancelled)."""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Clinic logo", self.logo_path.text(), "Images (*.png *.jpg *.jpeg)"
        )
        return chosen

    def load(self) -> bool:
        """Show the stored values; False (after telling the user) when they cannot be read."""
        try:
            values = stored_values(self._context, self._actor)
        except UserError as error:
            self._messages.error(self, "Clinic settings", error.message)
            return False
        self.name.setText(_text(values.get(CLINIC_NAME)))
        address = values.get(CLINIC_ADDRESS_LINES)
        lines = address if isinstance(address, list) else _text(address).splitlines()
        self.address.setPlainText("\n".join(str(line) for line in lines))
        self.phone.setText(_text(values.get(CLINIC_PHONE)))
        self.logo_path.setText(_text(values.get(CLINIC_LOGO_PATH)))
        self.location.setText(_text(values.get(CLINIC_LOCATION)))
        self.count_sides.setChecked(bool(values.get(COUNT_SIDES_SEPARATELY)))
        self.require_cosign.setChecked(bool(values.get(REQUIRE_PHYSICIAN_COSIGN)))
        minutes = values.get(IDLE_LOCK_MINUTES)
        self.idle_minutes.setValue(
            minutes
            if isinstance(minutes, int) and not isinstance(minutes, bool)
            else DEFAULT_IDLE_LOCK_MINUTES
        )
        self._initial = self.values()
        return True

    def values(self) -> dict[str, Any]:
        """The form's values under the services' keys."""
        address = [line.strip() for line in self.address.toPlainText().splitlines()]
        return {
            CLINIC_NAME: self.name.text().strip(),
            CLINIC_ADDRESS_LINES: [line for line in address if line],
            CLINIC_PHONE: self.phone.text().strip(),
            CLINIC_LOGO_PATH: self.logo_path.text().strip(),
            CLINIC_LOCATION: self.location.text().strip(),
            COUNT_SIDES_SEPARATELY: self.count_sides.isChecked(),
            REQUIRE_PHYSICIAN_COSIGN: self.require_cosign.isChecked(),
            IDLE_LOCK_MINUTES: self.idle_minutes.value(),
        }

    def changed_values(self) -> dict[str, Any]:
        initial = self._initial
        return {key: value for key, value in self.values().items() if initial.get(key) != value}

    def save(self) -> bool:
        """Write every changed setting; stop at the first refusal and show its message."""
        for key, value in self.changed_values().items():
            try:
                self._context.settings.set_value(key, value, actor=self._actor)
            except UserError as error:
                self._messages.error(self, "Clinic settings", error.message)
                return False
            self._initial[key] = value
            self.saved_keys.append(key)
        return True

    def _save_and_close(self) -> None:
        if self.save():
            self.accept()

    def _browse_logo(self) -> None:
        chosen = self.ask_logo_path()
        if chosen:
            self.logo_path.setText(chosen)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
