"""The administrator's clinic settings: the PDF header, where the clinic is, coding, safety,
co-signature and idle lock."""

from __future__ import annotations

from dataclasses import replace
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

from tpi_desk.clinical.settings import ClinicSettings, changed_settings, clinic_setting_named
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.choice_combos import choice_combo, select_data
from tpi_desk.ui.messages import UserMessages

COUNT_SIDES_TEXT = clinic_setting_named("count_sides_separately").label
COUNT_SIDES_HINT = (
    "On: a bilateral upper trapezius counts as two muscles when choosing the injection code. "
    "Off: it counts as one. Ask your billing staff which your payers expect."
)
COSIGN_TEXT = clinic_setting_named("require_physician_cosign").label
BILL_ANAESTHETIC_TEXT = clinic_setting_named("bill_local_anesthetic_drugs").label
BILL_ANAESTHETIC_HINT = (
    "Off where your payers bundle local anaesthetics into the injection code: no drug line "
    "is billed for them then."
)
DIALOG_WIDTH = 620
NO_STATE = "Not set"
NO_PLACE = "Not set"
STATE_HINT = "The state's scope-of-practice rules apply; a session can name another location."


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
        documentation = context.catalog.documentation
        self.state = choice_combo(
            {code: f"{code}  {name}" for code, name in documentation.states.items()},
            empty=NO_STATE,
            tooltip=STATE_HINT,
        )
        self.place_of_service = choice_combo(
            {code: f"{code}  {name}" for code, name in documentation.places_of_service.items()},
            empty=NO_PLACE,
        )
        self.bill_anaesthetics = QCheckBox(BILL_ANAESTHETIC_TEXT)
        self.steroid_limit = QSpinBox()
        self.steroid_limit.setRange(*clinic_setting_named("steroid_limit_90_days_mg").bounds())
        self.steroid_limit.setSuffix(" mg")
        self.steroid_limit.setToolTip(
            "Warn when a patient's corticosteroid doses over 90 days, converted to "
            "triamcinolone, exceed this"
        )
        self.count_sides = QCheckBox(COUNT_SIDES_TEXT)
        self.require_cosign = QCheckBox(COSIGN_TEXT)
        self.export_names = QCheckBox(clinic_setting_named("file_names_with_patient").label)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*clinic_setting_named("idle_lock_minutes").bounds())
        self.idle_minutes.setSuffix(" minutes")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._lay_out()
        self._connect_signals()
        self._initial = ClinicSettings()
        self.load()

    def _lay_out(self) -> None:
        header = QGroupBox("Note header (printed on every PDF)")
        header_form = QFormLayout(header)
        header_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        header_form.addRow(_label("clinic_name"), self.name)
        header_form.addRow(_label("clinic_address_lines"), self.address)
        header_form.addRow(_label("clinic_phone"), self.phone)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(self.browse_button)
        header_form.addRow(_label("clinic_logo_path"), logo_row)
        header_form.addRow(_label("clinic_location"), self.location)
        header_form.addRow(_label("clinic_state"), self.state)
        header_form.addRow(_label("clinic_place_of_service"), self.place_of_service)
        rules = QGroupBox("Coding and signing")
        rules_layout = QVBoxLayout(rules)
        rules_layout.addWidget(self.count_sides)
        rules_layout.addWidget(_hint(COUNT_SIDES_HINT))
        rules_layout.addWidget(self.bill_anaesthetics)
        rules_layout.addWidget(_hint(BILL_ANAESTHETIC_HINT))
        rules_layout.addWidget(self.require_cosign)
        security = QGroupBox("Safety and security")
        security_form = QFormLayout(security)
        security_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        security_form.addRow(_label("steroid_limit_90_days_mg"), self.steroid_limit)
        security_form.addRow(_label("idle_lock_minutes"), self.idle_minutes)
        idle_hint = QLabel("of no keyboard or mouse use; drafts are kept while locked.")
        idle_hint.setWordWrap(True)
        security_form.addRow("", idle_hint)
        security_form.addRow("", self.export_names)
        layout = QVBoxLayout(self)
        for group in (header, rules, security):
            layout.addWidget(group)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(DIALOG_WIDTH)
        self.resize(DIALOG_WIDTH, layout.totalHeightForWidth(DIALOG_WIDTH))

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
            settings = self._context.settings.load(actor=self._actor)
        except UserError as error:
            self._messages.error(self, "Clinic settings", error.message)
            return False
        self.name.setText(settings.clinic_name)
        self.address.setPlainText("\n".join(settings.clinic_address_lines))
        self.phone.setText(settings.clinic_phone)
        self.logo_path.setText(settings.clinic_logo_path)
        self.location.setText(settings.clinic_location)
        select_data(self.state, settings.clinic_state)
        select_data(self.place_of_service, settings.clinic_place_of_service)
        self.count_sides.setChecked(settings.count_sides_separately)
        self.bill_anaesthetics.setChecked(settings.bill_local_anesthetic_drugs)
        self.steroid_limit.setValue(settings.steroid_limit_90_days_mg)
        self.require_cosign.setChecked(settings.require_physician_cosign)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.export_names.setChecked(settings.file_names_with_patient)
        self._initial = self.settings()
        return True

    def settings(self) -> ClinicSettings:
        """The settings as the form shows them."""
        address = (line.strip() for line in self.address.toPlainText().splitlines())
        return ClinicSettings(
            clinic_name=self.name.text().strip(),
            clinic_address_lines=tuple(line for line in address if line),
            clinic_phone=self.phone.text().strip(),
            clinic_logo_path=self.logo_path.text().strip(),
            clinic_location=self.location.text().strip(),
            clinic_state=str(self.state.currentData()),
            clinic_place_of_service=str(self.place_of_service.currentData()),
            count_sides_separately=self.count_sides.isChecked(),
            bill_local_anesthetic_drugs=self.bill_anaesthetics.isChecked(),
            steroid_limit_90_days_mg=self.steroid_limit.value(),
            require_physician_cosign=self.require_cosign.isChecked(),
            idle_lock_minutes=self.idle_minutes.value(),
            file_names_with_patient=self.export_names.isChecked(),
        )

    def changed_values(self) -> dict[str, Any]:
        """The settings the user changed, as stored: each value under its stored key."""
        edited = self.settings()
        return {
            declared.key: declared.stored(getattr(edited, declared.name))
            for declared in changed_settings(self._initial, edited)
        }

    def save(self) -> bool:
        """Write every changed setting; stop at the first refusal and show its message."""
        edited = self.settings()
        for declared in changed_settings(self._initial, edited):
            value = getattr(edited, declared.name)
            try:
                self._context.settings.set_value(
                    declared.key, declared.stored(value), actor=self._actor
                )
            except UserError as error:
                self._messages.error(self, "Clinic settings", error.message)
                return False
            self._initial = replace(self._initial, **{declared.name: value})
            self.saved_keys.append(declared.key)
        return True

    def _save_and_close(self) -> None:
        if self.save():
            self.accept()

    def _browse_logo(self) -> None:
        chosen = self.ask_logo_path()
        if chosen:
            self.logo_path.setText(chosen)


def _label(name: str) -> str:
    return clinic_setting_named(name).label


def _hint(text: str) -> QLabel:
    hint = QLabel(text)
    hint.setWordWrap(True)
    hint.setObjectName("hint")
    hint.setContentsMargins(24, 0, 0, 6)
    return hint
