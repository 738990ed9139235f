"""The header's procedure times and chaperone (issue 14): start, end and who chaperoned.

Times are typed as times of day on the session's clock ("09:32", "932" or "9.32" read as
09:32); empty means not recorded. The end must come after the start (clinical validation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import ErrorLabel, compact_edit, mark_fields

TIME_WIDTH = 64
PATHS = ("procedure_time", "chaperone")


class ProcedureTimeFields(QWidget):
    """Start and end time of the procedure, then the chaperone, on one row."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.started = compact_edit(
            "HH:MM", TIME_WIDTH, tooltip="When the procedure began (24-hour clock, e.g. 09:32)"
        )
        self.started.setAccessibleName("Procedure start time")
        self.ended = compact_edit(
            "HH:MM", TIME_WIDTH, tooltip="When the procedure ended (after the start)"
        )
        self.ended.setAccessibleName("Procedure end time")
        self.chaperone = QLineEdit()
        self.chaperone.setPlaceholderText("Chaperone (name, role), if present")
        self.chaperone.setAccessibleName("Chaperone")
        self.errors = ErrorLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.started)
        row.addWidget(QLabel("to"))
        row.addWidget(self.ended)
        row.addSpacing(12)
        row.addWidget(self.chaperone, 1)
        for edit in (self.started, self.ended, self.chaperone):
            edit.textChanged.connect(self.changed)

    def load(self, raw: RawSession) -> None:
        self.started.setText(raw.procedure_started)
        self.ended.setText(raw.procedure_ended)
        self.chaperone.setText(raw.chaperone)

    def apply_to(self, raw: RawSession) -> RawSession:
        return replace(
            raw,
            procedure_started=self.started.text(),
            procedure_ended=self.ended.text(),
            chaperone=self.chaperone.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.errors.show_problems(
            [p for p in problems if p.path.split(".", 1)[0].split("[", 1)[0] in PATHS]
        )
        mark_fields(
            problems,
            {
                "procedure_time.started": self.started,
                "procedure_time.ended": self.ended,
                "chaperone": self.chaperone,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        return [self.started, self.ended, self.chaperone]
