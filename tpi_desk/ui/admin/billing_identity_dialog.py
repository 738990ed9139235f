"""Admin > Billing identity: what the clinic's claims name it by (issue 15): name, NPI, tax
ID, street address and the claim files' receiver. The same settings as `tpi-desk settings`;
each value is checked by the settings service, and a refusal names its setting."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.settings import ClinicSettings, clinic_setting_named
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

# The ClinicSettings attributes shown, in the order a claim names them.
BILLING_FIELDS = (
    "clinic_name", "clinic_npi", "clinic_tax_id", "clinic_street", "clinic_city",
    "clinic_state", "clinic_zip", "clinic_phone", "claims_receiver_name", "claims_receiver_id",
)  # fmt: skip
HINT = (
    "Professional claims (X12 837P) name the clinic as billing provider with these; every "
    "one is needed before claims can be exported."
)
TITLE = "Billing identity"


class BillingIdentityDialog(QDialog):
    """One line per billing setting; Save writes the changed ones (each audited)."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._context = context
        self._messages = messages
        self._actor = actor
        self.fields = {name: QLineEdit() for name in BILLING_FIELDS}
        self.fields["clinic_npi"].setPlaceholderText("10 digits, e.g. 1245319599")
        self.fields["clinic_tax_id"].setPlaceholderText("EIN, e.g. 12-3456789")
        self.fields["clinic_state"].setPlaceholderText("Two letters, e.g. NY")
        self.fields["clinic_zip"].setPlaceholderText("e.g. 10027-1234")
        self.saved_keys: list[str] = []
        self._initial: dict[str, str] = {}
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, field in self.fields.items():
            form.addRow(clinic_setting_named(name).label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save_and_close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.load()

    def ask(self) -> bool:
        """Show the dialog; True when settings were saved."""
        return self.exec() == QDialog.DialogCode.Accepted

    def load(self) -> bool:
        """Show the stored values; False (after telling the user) when they cannot be read."""
        try:
            settings = self._context.settings.load(actor=self._actor)
        except UserError as error:
            self._messages.error(self, TITLE, error.message)
            return False
        self._initial = _values(settings)
        for name, value in self._initial.items():
            self.fields[name].setText(value)
        return True

    def changed_values(self) -> dict[str, str]:
        """The settings the user changed, under their stored keys."""
        return {
            clinic_setting_named(name).key: field.text().strip()
            for name, field in self.fields.items()
            if field.text().strip() != self._initial.get(name, "")
        }

    def save(self) -> bool:
        """Write every changed setting; stop at the first refusal and show its message."""
        for key, value in self.changed_values().items():
            try:
                self._context.settings.set_value(key, value, actor=self._actor)
            except UserError as error:
                self._messages.error(self, TITLE, error.message)
                return False
            self.saved_keys.append(key)
        self.load()
        return True

    def _save_and_close(self) -> None:
        if self.save():
            self.accept()


def _values(settings: ClinicSettings) -> dict[str, str]:
    return {name: str(getattr(settings, name)) for name in BILLING_FIELDS}
