"""After the procedure: tolerance, observation, side effects, complications, the override
reason of a hard stop, notes, instructions and follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.check_list import CheckList
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    caption,
    compact_edit,
    mark_fields,
    muted_label,
    problems_under,
)

OTHER_PLACEHOLDER = "Other (separate with ;)"
NOT_RECORDED = "Not recorded"
OVERRIDE_PLACEHOLDER = "Why the note is signed despite the hard stop (printed and audited)"
_TEXT_PATHS = ("notes", "instructions", "follow_up", "override_reason")
_AFTER_PATHS = ("tolerance", "observation_minutes")


class OutcomeFields(QWidget):
    """Two check lists side by side, then the free texts."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tolerance = QComboBox()
        self.tolerance.addItem(NOT_RECORDED, "")
        for level, label in catalog.documentation.tolerance_labels.items():
            self.tolerance.addItem(label, level.value)
        self.tolerance.setToolTip("How the patient tolerated the procedure")
        self.observation_minutes = compact_edit(
            "min", 52, tooltip="Minutes the patient was observed after the procedure"
        )
        self.after_errors = ErrorLabel()
        self.side_effects = CheckList(catalog.side_effects)
        self.side_effects_other = QLineEdit()
        self.side_effects_other.setPlaceholderText(OTHER_PLACEHOLDER)
        self.complications = CheckList(catalog.complications)
        self.complications_other = QLineEdit()
        self.complications_other.setPlaceholderText(OTHER_PLACEHOLDER)
        self.side_effects_other.setAccessibleName("Other side effects")
        self.complications_other.setAccessibleName("Other complications")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("Anything else: technique details, the patient's remarks")
        self.notes.setFixedHeight(96)
        self.instructions = QPlainTextEdit()
        self.instructions.setTabChangesFocus(True)
        self.instructions.setFixedHeight(72)
        rows = max(self.side_effects.count(), self.complications.count())
        self.side_effects.fit_rows(rows)
        self.complications.fit_rows(rows)
        self._chest_wall_text = catalog.chest_wall_instructions
        self.chest_wall_button = QPushButton("Add the chest-wall warning")
        self.chest_wall_button.setToolTip(self._chest_wall_text)
        self.chest_wall_hint = muted_label("A site is near the chest wall.")
        self.chest_wall_hint.setWordWrap(False)
        self._chest_wall_needed = False
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText("e.g. Clinic visit in 6 weeks")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText(OVERRIDE_PLACEHOLDER)
        self.override_caption = caption("Override reason", self.override_reason)
        self._override_needed = False
        self.list_errors = ErrorLabel()
        self.text_errors = ErrorLabel()
        self._build_layout()
        self._connect_signals()

    def _build_layout(self) -> None:
        after = QHBoxLayout()
        after.setContentsMargins(0, 0, 0, 4)
        after.setSpacing(6)
        after.addWidget(caption("Tolerance", self.tolerance))
        after.addWidget(self.tolerance)
        after.addSpacing(18)
        after.addWidget(caption("Observed", self.observation_minutes))
        after.addWidget(self.observation_minutes)
        after.addWidget(muted_label("minutes after the procedure"))
        after.addStretch(1)
        lists = QGridLayout()
        lists.setContentsMargins(0, 0, 0, 0)
        lists.setHorizontalSpacing(16)
        lists.setVerticalSpacing(4)
        lists.addWidget(muted_label("Side effects", self.side_effects), 0, 0)
        lists.addWidget(muted_label("Complications", self.complications), 0, 1)
        lists.addWidget(self.side_effects, 1, 0)
        lists.addWidget(self.complications, 1, 1)
        lists.addWidget(self.side_effects_other, 2, 0)
        lists.addWidget(self.complications_other, 2, 1)
        texts = QGridLayout()
        texts.setContentsMargins(0, 6, 0, 0)
        texts.setHorizontalSpacing(10)
        texts.setVerticalSpacing(6)
        for row, (label, widget) in enumerate(
            (
                ("Notes", self.notes),
                ("Instructions", self.instructions),
                ("Follow-up", self.follow_up),
            )
        ):
            label_widget = caption(label, widget)
            label_widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            texts.addWidget(label_widget, row, 0)
            texts.addWidget(widget, row, 1)
        chest_wall = QHBoxLayout()
        chest_wall.setContentsMargins(0, 0, 0, 0)
        chest_wall.addWidget(self.chest_wall_hint)
        chest_wall.addWidget(self.chest_wall_button)
        chest_wall.addStretch(1)
        texts.addLayout(chest_wall, 3, 1)
        texts.addWidget(self.override_caption, 4, 0)
        texts.addWidget(self.override_reason, 4, 1)
        texts.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(after)
        layout.addWidget(self.after_errors)
        layout.addLayout(lists)
        layout.addWidget(self.list_errors)
        layout.addLayout(texts)
        layout.addWidget(self.text_errors)

    def _connect_signals(self) -> None:
        self.side_effects.itemChanged.connect(self.changed)
        self.complications.itemChanged.connect(self.changed)
        self.tolerance.currentIndexChanged.connect(self.changed)
        for edit in (
            self.observation_minutes,
            self.side_effects_other,
            self.complications_other,
            self.follow_up,
            self.override_reason,
        ):
            edit.textChanged.connect(self.changed)
        self.override_reason.textChanged.connect(self._update_override)
        self.notes.textChanged.connect(self.changed)
        self.instructions.textChanged.connect(self.changed)
        self.instructions.textChanged.connect(self._update_chest_wall)
        self.chest_wall_button.clicked.connect(self.add_chest_wall_warning)
        self._update_chest_wall()
        self._update_override()

    def set_override_needed(self, needed: bool) -> None:
        """Show the override reason while a hard stop holds up signing (or one is typed)."""
        self._override_needed = needed
        self._update_override()

    def _update_override(self) -> None:
        shown = self._override_needed or bool(self.override_reason.text().strip())
        self.override_caption.setVisible(shown)
        self.override_reason.setVisible(shown)

    def set_chest_wall_needed(self, needed: bool) -> None:
        """Offer the chest-wall warning while a pneumothorax-risk site is recorded."""
        self._chest_wall_needed = needed
        self._update_chest_wall()

    def _update_chest_wall(self) -> None:
        missing = self._chest_wall_text not in self.instructions.toPlainText()
        offer = self._chest_wall_needed and missing
        self.chest_wall_hint.setVisible(offer)
        self.chest_wall_button.setVisible(offer)

    def add_chest_wall_warning(self) -> None:
        text = self.instructions.toPlainText().rstrip()
        self.instructions.setPlainText(f"{text} {self._chest_wall_text}".strip())

    def load(self, raw: RawSession) -> None:
        self.tolerance.setCurrentIndex(max(0, self.tolerance.findData(raw.tolerance)))
        self.observation_minutes.setText(raw.observation_minutes)
        self.override_reason.setText(raw.override_reason)
        self.side_effects.set_checked(raw.side_effects)
        self.side_effects_other.setText(raw.side_effects_other)
        self.complications.set_checked(raw.complications)
        self.complications_other.setText(raw.complications_other)
        self.notes.setPlainText(raw.notes)
        self.instructions.setPlainText(raw.instructions)
        self.follow_up.setText(raw.follow_up)

    def apply_to(self, raw: RawSession) -> RawSession:
        return replace(
            raw,
            tolerance=str(self.tolerance.currentData()),
            observation_minutes=self.observation_minutes.text(),
            override_reason=self.override_reason.text(),
            side_effects=self.side_effects.checked(),
            side_effects_other=self.side_effects_other.text(),
            complications=self.complications.checked(),
            complications_other=self.complications_other.text(),
            notes=self.notes.toPlainText(),
            instructions=self.instructions.toPlainText(),
            follow_up=self.follow_up.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.list_errors.show_problems(
            problems_under(problems, "side_effects") + problems_under(problems, "complications")
        )
        after = [p for p in problems if p.path in _AFTER_PATHS]
        self.after_errors.show_problems(after)
        texts = [p for p in problems if p.path in _TEXT_PATHS]
        self.text_errors.show_problems(texts)
        mark_fields(
            [*after, *texts],
            {
                "tolerance": self.tolerance,
                "observation_minutes": self.observation_minutes,
                "notes": self.notes,
                "instructions": self.instructions,
                "follow_up": self.follow_up,
                "override_reason": self.override_reason,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        return [
            self.tolerance,
            self.observation_minutes,
            self.side_effects,
            self.side_effects_other,
            self.complications,
            self.complications_other,
            self.notes,
            self.instructions,
            self.chest_wall_button,
            self.follow_up,
            self.override_reason,
        ]
