"""One medication at one site: drug and strength, volume, the dose in mg (live), lot, expiry;
under it the container (JW/JZ), the amount discarded and the NDC."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import dose_mg, format_number
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ContainerKind
from tpi_desk.services.dto import OpenVial
from tpi_desk.ui.choice_combos import select_data
from tpi_desk.ui.session_editor.drug_picker import DrugPicker
from tpi_desk.ui.session_editor.form_state import RawMedication, parse_decimal
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    compact_edit,
    mark_fields,
)
from tpi_desk.ui.session_editor.session_transfer import vial_for, with_vial
from tpi_desk.ui.session_editor.style import MUTED

VialSource = Callable[[], Sequence[OpenVial]]

NO_DOSE = "– mg"
CONTAINER_LABELS = {
    ContainerKind.SINGLE_DOSE: "Single-dose",
    ContainerKind.MULTI_DOSE: "Multi-dose",
}
USUAL_CONTAINER = "Usual vial"
DETAILS_INDENT = 12


class MedicationRow(QWidget):
    """A line under a site; the mg figure is computed, never typed."""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self._catalog = catalog
        self._loading = False
        # Today's open vials (the editor sets it): choosing a drug fills an empty lot from one.
        self.vial_source: VialSource = lambda: ()
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
        self.container = QComboBox()
        self.container.addItem(USUAL_CONTAINER, "")
        # As wide as its text, also once the drug names the usual vial ("Usual vial
        # (multi-dose)"): sized when first shown, the first site's box cut that to "(n".
        self.container.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for kind, label in CONTAINER_LABELS.items():
            self.container.addItem(label, kind.value)
        self.container.setToolTip(
            "Single-dose containers get JZ (nothing discarded) or a JW line for what was "
            "discarded; multi-dose containers neither"
        )
        self.discarded = compact_edit(
            "mL", 56, tooltip="Drawn up from a single-dose container but not given, in mL"
        )
        self.ndc = compact_edit(
            "NDC", 130, tooltip="National Drug Code on the vial (10 or 11 digits): 00409-4276-01"
        )
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove this medication")
        self.remove_button.setAccessibleName("Remove this medication")
        self.errors = ErrorLabel()
        self._build_layout()
        self._connect_signals()
        self._update_container()
        self.name_fields("Medication")

    def name_fields(self, line: str) -> None:
        """Names for screen readers, after ``line`` ("Site 1 medication 2")."""
        for widget, name in (
            (self.drug, "drug"),
            (self.volume, "volume, mL"),
            (self.lot, "lot"),
            (self.expires, "expiry"),
            (self.container, "container"),
            (self.discarded, "discarded, mL"),
            (self.ndc, "NDC"),
        ):
            widget.setAccessibleName(f"{line} {name}")

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.drug, 1)
        row.addWidget(self.volume)
        row.addWidget(_muted("mL"))
        row.addWidget(self.dose)
        row.addSpacing(4)
        row.addWidget(self.lot)
        row.addWidget(self.expires)
        row.addWidget(self.remove_button)
        self._first_line = row
        details = QHBoxLayout()
        details.setContentsMargins(DETAILS_INDENT, 0, 0, 0)
        details.setSpacing(6)
        details.addWidget(self.container)
        details.addSpacing(8)
        details.addWidget(_muted("Discarded", self.discarded))
        details.addWidget(self.discarded)
        details.addWidget(_muted("mL"))
        details.addSpacing(8)
        details.addWidget(self.ndc)
        details.addStretch(1)
        # A signed line's lot and expiry (see show_signed); empty while the line is edited.
        self._lot_line = QHBoxLayout()
        self._lot_line.setContentsMargins(DETAILS_INDENT, 0, 0, 0)
        self._lot_line.setSpacing(6)
        self._lot_line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addLayout(self._lot_line)
        layout.addLayout(details)
        layout.addWidget(self.errors)

    def show_signed(self, signed: bool) -> None:
        """A signed line shows its drug's whole name (never cut off) and its lot and expiry
        on a line of their own under it, so that the line still fits a laptop's column; a
        line being edited has them beside the volume, in the order they are typed."""
        self.drug.show_whole_name(signed)
        source, target = (
            (self._first_line, self._lot_line) if signed else (self._lot_line, self._first_line)
        )
        if target.indexOf(self.lot) >= 0:
            return
        at = 0 if signed else target.indexOf(self.remove_button)
        for offset, field in enumerate((self.lot, self.expires)):
            source.removeWidget(field)
            target.insertWidget(at + offset, field)

    def _connect_signals(self) -> None:
        self.drug.currentIndexChanged.connect(self._on_drug_chosen)
        self.container.currentIndexChanged.connect(self._on_edited)
        for edit in (self.volume, self.lot, self.expires, self.discarded, self.ndc):
            edit.textChanged.connect(self._on_edited)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))

    def _on_drug_chosen(self) -> None:
        """A drug chosen for a line without a lot takes today's open vial of it (lot, expiry,
        NDC, container), shown in the fields where it can be changed."""
        if not self._loading and not self.lot.text().strip() and not self.expires.text().strip():
            vial = vial_for(self.drug.drug_id(), self.drug.concentration(), self.vial_source())
            if vial is not None:
                self._show_vial(with_vial(self.raw(), vial))
        self._on_edited()

    def _show_vial(self, raw: RawMedication) -> None:
        self.lot.setText(raw.lot)
        self.expires.setText(raw.expires)
        self.ndc.setText(raw.ndc)
        select_data(self.container, raw.container)

    def _on_edited(self) -> None:
        self._update_dose()
        self._update_container()
        self.changed.emit()

    def single_dose(self) -> bool:
        """Whether the drug comes from a single-dose container (chosen, or the drug's usual)."""
        chosen = str(self.container.currentData())
        if chosen:
            return chosen == ContainerKind.SINGLE_DOSE.value
        drug = self._catalog.drugs.get(self.drug.drug_id())
        return drug is not None and drug.single_dose_container

    def _update_container(self) -> None:
        """Name the drug's usual container; the discarded amount is for single-dose ones."""
        drug = self._catalog.drugs.get(self.drug.drug_id())
        usual = "" if drug is None else CONTAINER_LABELS[_usual_kind(drug.single_dose_container)]
        self.container.setItemText(
            0, f"{USUAL_CONTAINER} ({usual.lower()})" if usual else USUAL_CONTAINER
        )
        self.discarded.setEnabled(self.single_dose() or bool(self.discarded.text().strip()))

    def _update_dose(self) -> None:
        concentration = parse_decimal(self.drug.concentration())
        volume = parse_decimal(self.volume.text())
        if concentration is None or volume is None or volume <= 0:
            self.dose.setText(NO_DOSE)
        else:
            self.dose.setText(f"= {format_number(dose_mg(concentration, volume))} mg")

    def load(self, raw: RawMedication) -> None:
        self._loading = True
        try:
            self._load(raw)
        finally:
            self._loading = False

    def _load(self, raw: RawMedication) -> None:
        self.drug.set_choice(raw.drug_id, raw.concentration)
        self.volume.setText(raw.volume_ml)
        self.lot.setText(raw.lot)
        self.expires.setText(raw.expires)
        select_data(self.container, raw.container)
        self.discarded.setText(raw.discarded_ml)
        self.ndc.setText(raw.ndc)
        self._update_dose()
        self._update_container()

    def raw(self) -> RawMedication:
        return RawMedication(
            drug_id=self.drug.drug_id(),
            concentration=self.drug.concentration(),
            volume_ml=self.volume.text(),
            lot=self.lot.text(),
            expires=self.expires.text(),
            container=str(self.container.currentData()),
            discarded_ml=self.discarded.text(),
            ndc=self.ndc.text(),
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
                f"{self.path}.container": self.container,
                f"{self.path}.discarded_ml": self.discarded,
                f"{self.path}.ndc": self.ndc,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        return [
            self.drug,
            self.volume,
            self.lot,
            self.expires,
            self.remove_button,
            self.container,
            self.discarded,
            self.ndc,
        ]


def _muted(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED};")
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def _usual_kind(single_dose: bool) -> ContainerKind:
    return ContainerKind.SINGLE_DOSE if single_dose else ContainerKind.MULTI_DOSE
