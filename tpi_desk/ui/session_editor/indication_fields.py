"""The indication: conservative care tried before, and care that continues alongside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import ErrorLabel, muted_label, problems_under


class IndicationFields(QWidget):
    """One row per catalog option, with a box for "tried before" and one for "ongoing"."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tried: dict[str, QCheckBox] = {}
        self.ongoing: dict[str, QCheckBox] = {}
        self.errors = ErrorLabel()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        grid.addWidget(muted_label("Conservative care"), 0, 0)
        grid.addWidget(muted_label("Tried before"), 0, 1, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(muted_label("Ongoing"), 0, 2, Qt.AlignmentFlag.AlignHCenter)
        for row, (option, label) in enumerate(catalog.conservative_care_options.items(), 1):
            grid.addWidget(QLabel(label), row, 0)
            for column, boxes, when in (
                (1, self.tried, "tried before"),
                (2, self.ongoing, "ongoing"),
            ):
                box = QCheckBox()
                box.setAccessibleName(f"{label}: {when}")
                box.setToolTip(f"{label}: {when}")
                box.toggled.connect(self.changed)
                boxes[option] = box
                grid.addWidget(box, row, column, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.errors, len(catalog.conservative_care_options) + 1, 0, 1, 3)
        grid.setColumnStretch(3, 1)

    def load(self, raw: RawSession) -> None:
        for option, box in self.tried.items():
            box.setChecked(option in raw.conservative_care_tried)
        for option, box in self.ongoing.items():
            box.setChecked(option in raw.ongoing_care)

    def apply_to(self, raw: RawSession) -> RawSession:
        return replace(
            raw,
            conservative_care_tried=tuple(o for o, box in self.tried.items() if box.isChecked()),
            ongoing_care=tuple(o for o, box in self.ongoing.items() if box.isChecked()),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.errors.show_problems(problems_under(problems, "indication"))

    def focus_widgets(self) -> list[QWidget]:
        """Row by row: tried, then ongoing, for each option."""
        widgets: list[QWidget] = []
        for option, box in self.tried.items():
            widgets += [box, self.ongoing[option]]
        return widgets
