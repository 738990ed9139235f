"""One site: muscle, side, points, needle and twitch, with the medications given there."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import Side
from tpi_desk.clinical.validation import POINTS_RANGE
from tpi_desk.ui.session_editor.form_state import RawMedication, RawSite
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    compact_edit,
    mark_fields,
    problems_under,
)
from tpi_desk.ui.session_editor.medication_row import MedicationRow, VialSource
from tpi_desk.ui.session_editor.muscle_picker import MusclePicker
from tpi_desk.ui.session_editor.side_choice import SideChoice
from tpi_desk.ui.session_editor.style import BORDER, CARD, MUTED

SIDE_LABELS = {
    Side.LEFT: "Left",
    Side.RIGHT: "Right",
    Side.BILATERAL: "Bilateral",
    Side.MIDLINE: "Midline",
}
MEDICATION_INDENT = 16
_SITE_FIELDS = ("muscle", "side", "points", "needle_gauge", "needle_length_mm", "medications")


def _muted(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED};")
    if buddy is not None:
        label.setBuddy(buddy)
    return label


class SiteEditor(QFrame):
    """A card for one site; medication lines appear under it for injections."""

    changed = Signal()
    remove_requested = Signal(QWidget)
    muscle_chosen = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.path = "sites[0]"
        self.setObjectName("siteCard")
        self.setStyleSheet(
            f"QFrame#siteCard {{ background: {CARD}; border: 1px solid {BORDER};"
            " border-radius: 6px; }"
        )
        self.vial_source: VialSource = lambda: ()
        self.title = QLabel("Site 1")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.muscle = MusclePicker(catalog)
        self.muscle.setMinimumWidth(180)
        self.side = SideChoice(SIDE_LABELS)
        self.points = QSpinBox()
        self.points.setRange(*POINTS_RANGE)
        self.points.setToolTip("Trigger points treated in this muscle")
        self.needle_gauge = compact_edit("25", 40, tooltip="Needle gauge (G), e.g. 25")
        self.needle_length = compact_edit("38", 44, tooltip="Needle length in mm (1.5 inch = 38)")
        self.twitch = QCheckBox("Twitch")
        self.twitch.setToolTip("Local twitch response seen")
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove this site (it can be undone)")
        self.remove_button.setAccessibleName("Remove this site")
        self.remove_button.setObjectName("removeSiteButton")
        self.errors = ErrorLabel()
        self.medication_rows: list[MedicationRow] = []
        self.medications_box = QVBoxLayout()
        self.medications_box.setContentsMargins(0, 0, 0, 0)
        self.medications_box.setSpacing(4)
        self.add_medication_button = QPushButton("+ Medication")
        self.add_medication_button.setToolTip("Add a medication given at this site")
        self._medications_enabled = True
        self._editable = True
        self._build_layout()
        self._connect_signals()
        self._name_fields()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(8)
        self.title.setFixedWidth(self.title.fontMetrics().horizontalAdvance("Site 88") + 4)
        top.addWidget(self.title)
        top.addWidget(self.muscle, 1)
        top.addWidget(self.side)
        top.addWidget(self.remove_button)
        details = QHBoxLayout()
        details.setSpacing(6)
        details.setContentsMargins(self.title.width() + 8, 0, 0, 0)
        details.addWidget(_muted("Points", self.points))
        details.addWidget(self.points)
        details.addSpacing(14)
        details.addWidget(_muted("Needle", self.needle_gauge))
        details.addWidget(self.needle_gauge)
        details.addWidget(_muted("G  ×"))
        details.addWidget(self.needle_length)
        details.addWidget(_muted("mm"))
        details.addSpacing(14)
        details.addWidget(self.twitch)
        details.addStretch(1)
        medications = QVBoxLayout()
        medications.setContentsMargins(MEDICATION_INDENT, 2, 0, 0)
        medications.setSpacing(4)
        medications.addLayout(self.medications_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_medication_button)
        add_row.addStretch(1)
        medications.addLayout(add_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(details)
        layout.addWidget(self.errors)
        layout.addLayout(medications)

    def _connect_signals(self) -> None:
        self.muscle.changed.connect(self.changed)
        self.muscle.muscle_chosen.connect(self.muscle_chosen)
        self.muscle.muscle_chosen.connect(self._on_muscle_chosen)
        self.side.currentIndexChanged.connect(self.changed)
        self.side.chosen_by_letter.connect(self._on_side_chosen_by_letter)
        self.points.valueChanged.connect(self.changed)
        self.needle_gauge.textChanged.connect(self.changed)
        self.needle_length.textChanged.connect(self.changed)
        self.twitch.toggled.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.add_medication_button.clicked.connect(self._on_add_medication_clicked)

    def _on_muscle_chosen(self) -> None:
        """A muscle picked with Enter: the side follows in one key (l, r, b, m)."""
        if not self.side.currentData():
            self.side.setFocus()

    def _on_side_chosen_by_letter(self) -> None:
        """The side typed as a letter: on to what the site still needs, the drug of its first
        medication line, else that line's volume (carried from the site before, selected to
        be typed over); without medication lines (dry needling), the points."""
        rows = self.medication_rows if not self.add_medication_button.isHidden() else []
        if rows and not rows[0].drug.drug_id():
            rows[0].drug.setFocus()
        elif rows:
            rows[0].volume.setFocus()
            rows[0].volume.selectAll()
        else:
            self.points.setFocus()

    def _on_add_medication_clicked(self) -> None:
        row = self.add_medication()
        row.drug.setFocus()

    # --- medications -----------------------------------------------------------------------

    def add_medication(self, raw: RawMedication | None = None) -> MedicationRow:
        row = MedicationRow(self._catalog, self)
        row.vial_source = lambda: self.vial_source()
        if raw is not None:
            row.load(raw)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self._remove_medication)
        row.remove_button.setVisible(self._editable)
        row.show_signed(not self._editable)
        self.medication_rows.append(row)
        self.medications_box.addWidget(row)
        self._renumber()
        self.changed.emit()
        return row

    def _remove_medication(self, row: QWidget) -> None:
        if not isinstance(row, MedicationRow) or row not in self.medication_rows:
            return
        self.medication_rows.remove(row)
        self.medications_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.changed.emit()

    def clear_medications(self) -> None:
        for row in list(self.medication_rows):
            self._remove_medication(row)

    def set_medications_enabled(self, enabled: bool) -> None:
        """Dry needling carries no medication: hide the lines and the add button."""
        self._medications_enabled = enabled
        for row in self.medication_rows:
            row.setVisible(enabled)
        self.add_medication_button.setVisible(enabled and self._editable)

    def set_editable(self, editable: bool) -> None:
        """Show or hide the buttons that add or remove (hidden on a signed note)."""
        self._editable = editable
        self.remove_button.setVisible(editable)
        self.add_medication_button.setVisible(editable and self._medications_enabled)
        for row in self.medication_rows:
            row.remove_button.setVisible(editable)
            row.show_signed(not editable)

    # --- values ----------------------------------------------------------------------------

    def set_index(self, index: int) -> None:
        self.path = f"sites[{index}]"
        self.title.setText(f"Site {index + 1}")
        self._renumber()

    def _renumber(self) -> None:
        self._name_fields()
        for number, row in enumerate(self.medication_rows):
            row.path = f"{self.path}.medications[{number}]"
            row.name_fields(f"{self.title.text()} medication {number + 1}")

    def _name_fields(self) -> None:
        """Names for screen readers that say which site a field belongs to ("Site 2 side")."""
        site = self.title.text()
        for widget, name in (
            (self.muscle.line_edit, "muscle"),
            (self.side, "side"),
            (self.points, "points"),
            (self.needle_gauge, "needle gauge"),
            (self.needle_length, "needle length, mm"),
        ):
            widget.setAccessibleName(f"{site} {name}")

    def set_side(self, side: str) -> None:
        self.side.setCurrentIndex(max(0, self.side.findData(side)))

    def load(self, raw: RawSite) -> None:
        self.muscle.set_muscle(raw.muscle_id, raw.muscle_text)
        self.set_side(raw.side)
        points = raw.points.strip()
        self.points.setValue(int(points) if points.isdigit() else POINTS_RANGE[0])
        self.needle_gauge.setText(raw.needle_gauge)
        self.needle_length.setText(raw.needle_length_mm)
        self.twitch.setChecked(raw.twitch_response)
        self.clear_medications()
        for medication in raw.medications:
            self.add_medication(medication)
        self.set_medications_enabled(self._medications_enabled)

    def raw(self) -> RawSite:
        return RawSite(
            muscle_id=self.muscle.muscle_id(),
            muscle_text=self.muscle.text(),
            side=str(self.side.currentData()),
            points=str(self.points.value()),
            needle_gauge=self.needle_gauge.text(),
            needle_length_mm=self.needle_length.text(),
            twitch_response=self.twitch.isChecked(),
            medications=tuple(row.raw() for row in self.medication_rows),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        mine = problems_under(problems, self.path)
        own = [p for field in _SITE_FIELDS for p in mine if p.path == f"{self.path}.{field}"]
        self.errors.show_problems(own)
        mark_fields(
            own,
            {
                f"{self.path}.muscle": self.muscle.line_edit,
                f"{self.path}.side": self.side,
                f"{self.path}.needle_gauge": self.needle_gauge,
                f"{self.path}.needle_length_mm": self.needle_length,
            },
        )
        for row in self.medication_rows:
            row.show_problems(problems_under(mine, row.path))

    def focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = [
            self.muscle.line_edit,
            self.side,
            self.points,
            self.needle_gauge,
            self.needle_length,
            self.twitch,
            self.remove_button,
        ]
        if self._medications_enabled:
            for row in self.medication_rows:
                widgets += row.focus_widgets()
            widgets.append(self.add_medication_button)
        return widgets
