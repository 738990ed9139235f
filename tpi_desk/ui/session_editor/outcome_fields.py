"""After the procedure: side effects, complications, notes, instructions and follow-up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    mark_fields,
    muted_label,
    problems_under,
)

ID_ROLE = Qt.ItemDataRole.UserRole
OTHER_PLACEHOLDER = "Other (separate with ;)"


class CheckList(QListWidget):
    """Catalog options with check boxes (Space toggles the current one)."""

    def __init__(self, options: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        for option, label in options.items():
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(ID_ROLE, option)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)

    def fit_rows(self, rows: int) -> None:
        """As tall as ``rows`` rows, so two lists side by side line up."""
        row_height = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 4
        self.setFixedHeight(rows * row_height + 2 * self.frameWidth() + 4)

    def checked(self) -> tuple[str, ...]:
        return tuple(
            str(self.item(row).data(ID_ROLE))
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, options: Sequence[str]) -> None:
        for row in range(self.count()):
            item = self.item(row)
            wanted = item.data(ID_ROLE) in options
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


class OutcomeFields(QWidget):
    """Two check lists side by side, then the free texts."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side_effects = CheckList(catalog.side_effects)
        self.side_effects_other = QLineEdit()
        self.side_effects_other.setPlaceholderText(OTHER_PLACEHOLDER)
        self.complications = CheckList(catalog.complications)
        self.complications_other = QLineEdit()
        self.complications_other.setPlaceholderText(OTHER_PLACEHOLDER)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(
            "Findings (taut bands, twitch, referred pain), technique, tolerance"
        )
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
        self.list_errors = ErrorLabel()
        self.text_errors = ErrorLabel()
        self._build_layout()
        self._connect_signals()

    def _build_layout(self) -> None:
        lists = QGridLayout()
        lists.setContentsMargins(0, 0, 0, 0)
        lists.setHorizontalSpacing(16)
        lists.setVerticalSpacing(4)
        lists.addWidget(muted_label("Side effects"), 0, 0)
        lists.addWidget(muted_label("Complications"), 0, 1)
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
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            caption.setBuddy(widget)
            texts.addWidget(caption, row, 0)
            texts.addWidget(widget, row, 1)
        chest_wall = QHBoxLayout()
        chest_wall.setContentsMargins(0, 0, 0, 0)
        chest_wall.addWidget(self.chest_wall_hint)
        chest_wall.addWidget(self.chest_wall_button)
        chest_wall.addStretch(1)
        texts.addLayout(chest_wall, 3, 1)
        texts.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(lists)
        layout.addWidget(self.list_errors)
        layout.addLayout(texts)
        layout.addWidget(self.text_errors)

    def _connect_signals(self) -> None:
        self.side_effects.itemChanged.connect(self.changed)
        self.complications.itemChanged.connect(self.changed)
        for edit in (self.side_effects_other, self.complications_other, self.follow_up):
            edit.textChanged.connect(self.changed)
        self.notes.textChanged.connect(self.changed)
        self.instructions.textChanged.connect(self.changed)
        self.instructions.textChanged.connect(self._update_chest_wall)
        self.chest_wall_button.clicked.connect(self.add_chest_wall_warning)
        self._update_chest_wall()

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
        texts = [p for p in problems if p.path in ("notes", "instructions", "follow_up")]
        self.text_errors.show_problems(texts)
        mark_fields(
            texts,
            {"notes": self.notes, "instructions": self.instructions, "follow_up": self.follow_up},
        )

    def focus_widgets(self) -> list[QWidget]:
        return [
            self.side_effects,
            self.side_effects_other,
            self.complications,
            self.complications_other,
            self.notes,
            self.instructions,
            self.chest_wall_button,
            self.follow_up,
        ]
