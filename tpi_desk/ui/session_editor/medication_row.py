"""One medication at one site: drug and strength, volume, the dose in mg (live), lot, expiry."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import dose_mg, format_number
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.drug_picker import DrugPicker
from tpi_desk.ui.session_editor.form_state import RawMedication, parse_decimal
from tpi_desk.ui.session_editor.form_widgets import ErrorLabel, compact_edit, mark_fields
from tpi_desk.ui.session_editor.style import MUTED

NO_DOSE = "– mg"


class MedicationRow(QWidget):
    """A line under a site; the mg figure is computed, never typed."""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self.drug = DrugPicker(catalog)
        self.volume = compact_edit("mL", 56, tooltip="Volume given at this site, in mL")
        self.dose = QLabel(NO_DOSE)
        self.dose.setMinimumWidth(self.dose.fontMetrics().horizontalAdvance("= 999.5 mg"))
        self.dose.setToolTip("Dose = strength (mg/mL) x volume (mL)")
        self.dose.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.lot = compact_edit("Lot", 80, tooltip="Lot number on the vial")
        self.expires = compact_edit(
            "Expiry", 100, tooltip="Expiry date of the lot: 2027-08-31, or a month: 08/2027"
        )
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove this medication")
        self.errors = ErrorLabel()
        self._build_layout()
        self._connect_signals()

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.drug, 1)
        row.addWidget(self.volume)
        unit = QLabel("mL")
        unit.setStyleSheet(f"color: {MUTED};")
        row.addWidget(unit)
        row.addWidget(self.dose)
        row.addSpacing(4)
        row.addWidget(self.lot)
        row.addWidget(self.expires)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.errors)

    def _connect_signals(self) -> None:
        self.drug.currentIndexChanged.connect(self._on_edited)
        for edit in (self.volume, self.lot, self.expires):
            edit.textChanged.connect(self._on_edited)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))

    def _on_edited(self) -> None:
        self._update_dose()
        self.changed.emit()

    def _update_dose(self) -> None:
        concentration = parse_decimal(self.drug.concentration())
        volume = parse_decimal(self.volume.text())
        if concentration is None or volume is None or volume <= 0:
            self.dose.setText(NO_DOSE)
        else:
            self.dose.setText(f"= {format_number(dose_mg(concentration, volume))} mg")

    def load(self, raw: RawMedication) -> None:
        self.drug.set_choice(raw.drug_id, raw.concentration)
        self.volume.setText(raw.volume_ml)
        self.lot.setText(raw.lot)
        self.expires.setText(raw.expires)
        self._update_dose()

    def raw(self) -> RawMedication:
        return RawMedication(
            drug_id=self.drug.drug_id(),
            concentration=self.drug.concentration(),
            volume_ml=self.volume.text(),
            lot=self.lot.text(),
            expires=self.expires.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.errors.show_problems(problems)
        mark_fields(
            problems,
            {
                f"{self.path}.drug": self.drug,
                f"{self.path}.volume_ml": self.volume,
                f"{self.path}.lot": self.lot,
                f"{self.path}.expires": self.expires,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        return [self.drug, self.volume, self.lot, self.expires, self.remove_button]
