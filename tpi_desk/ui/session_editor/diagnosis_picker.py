"""Diagnoses: search ICD-10-CM by code ("M79.1") or words ("myofascial") and pick from a list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog, Icd10Code
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_widgets import ErrorLabel, problems_under
from tpi_desk.ui.session_editor.style import MUTED

CODE_ROLE = Qt.ItemDataRole.UserRole
MAX_RESULTS = 40
VISIBLE_CHOSEN_ROWS = 4

ModelIndex = QModelIndex | QPersistentModelIndex


def describe_code(code: Icd10Code) -> str:
    text = f"{code.code}  {code.descriptor}"
    return text if code.billable else f"{text}  (not billable: choose a more specific code)"


class Icd10ResultsModel(QAbstractListModel):
    """The codes matching the search text, best first (code prefix, then words)."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._codes: list[Icd10Code] = []

    def search(self, text: str) -> None:
        self.beginResetModel()
        self._codes = self._catalog.search_icd10(text)[:MAX_RESULTS] if text.strip() else []
        self.endResetModel()

    def code_at(self, row: int) -> str:
        return self._codes[row].code

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._codes)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._codes):
            return None
        code = self._codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return describe_code(code)
        if role == Qt.ItemDataRole.EditRole:
            return code.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return code.note or code.descriptor
        if role == Qt.ItemDataRole.ForegroundRole and not code.billable:
            return QColor(MUTED)
        if role == CODE_ROLE:
            return code.code
        return None


class DiagnosisPicker(QWidget):
    """A search field with a pop-up list of matches, and the chosen codes below it."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._updating = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("Add a diagnosis: type a code (M79.1) or words (myofascial)")
        self.search.setClearButtonEnabled(True)
        self.results = Icd10ResultsModel(catalog, self)
        self.completer = QCompleter(self.results, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setWidget(self.search)
        self.completer.setMaxVisibleItems(8)
        self.popup = QListView()
        self.completer.setPopup(self.popup)
        self.chosen = QListWidget()
        self.chosen.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.chosen.setToolTip("Chosen diagnoses, primary first; Delete removes the selected one")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected diagnosis (Delete)")
        self.errors = ErrorLabel()
        self._editable = True
        self._build_layout()
        self._connect_signals()
        self._update_chosen_height()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        row = QHBoxLayout()
        row.addWidget(self.chosen, 1)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addWidget(self.errors)

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_return_pressed)
        self.completer.activated.connect(self._on_result_activated)
        self.remove_button.clicked.connect(self.remove_selected)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.chosen)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)

    # --- searching -------------------------------------------------------------------------

    def _on_search_text_changed(self, text: str) -> None:
        if self._updating:
            return
        self.results.search(text)
        if self.results.rowCount() and self.search.hasFocus():
            self.completer.complete()
            self.popup.setCurrentIndex(self.results.index(0, 0))
        else:
            self.popup.hide()

    def _on_result_activated(self, code: str) -> None:
        if self._catalog.diagnosis(code) is not None:
            self.add_code(code)
            self.popup.hide()
            QTimer.singleShot(0, self._clear_search)

    def _on_return_pressed(self) -> None:
        if self.results.rowCount():
            popup = self.popup
            current = popup.currentIndex() if popup.isVisible() else QModelIndex()
            self.choose_result(current.row() if current.isValid() else 0)

    def choose_result(self, row: int) -> None:
        """Add the search result in ``row`` and clear the search for the next one."""
        if not 0 <= row < self.results.rowCount():
            return
        self.add_code(self.results.code_at(row))
        self.popup.hide()
        # The completer may still write into the field after this slot; clear afterwards.
        QTimer.singleShot(0, self._clear_search)

    def _clear_search(self) -> None:
        self._updating = True
        self.search.clear()
        self._updating = False
        self.results.search("")

    # --- chosen codes ----------------------------------------------------------------------

    def codes(self) -> tuple[str, ...]:
        return tuple(
            str(self.chosen.item(row).data(CODE_ROLE)) for row in range(self.chosen.count())
        )

    def add_code(self, code: str) -> None:
        if code in self.codes():
            return
        self._append_item(code)
        self._update_chosen_height()
        self.changed.emit()

    def set_codes(self, codes: Sequence[str]) -> None:
        self.chosen.clear()
        for code in codes:
            self._append_item(code)
        self._update_chosen_height()

    def remove_selected(self) -> None:
        row = self.chosen.currentRow()
        if row < 0:
            return
        self.chosen.takeItem(row)
        self._update_chosen_height()
        self.changed.emit()

    def _append_item(self, code: str) -> None:
        known = self._catalog.diagnosis(code)
        text = f"{code}  {known.descriptor}" if known is not None else code
        item = QListWidgetItem(text)
        item.setData(CODE_ROLE, code)
        if known is not None and known.note:
            item.setToolTip(known.note)
        self.chosen.addItem(item)

    def _update_chosen_height(self) -> None:
        rows = min(max(self.chosen.count(), 1), VISIBLE_CHOSEN_ROWS)
        row_height = self.chosen.sizeHintForRow(0) if self.chosen.count() else 0
        row_height = max(row_height, self.chosen.fontMetrics().height() + 6)
        frame = 2 * self.chosen.frameWidth()
        self.chosen.setFixedHeight(rows * row_height + frame + 4)
        # No empty list and no Remove before a diagnosis is chosen.
        chosen = self.chosen.count() > 0
        self.chosen.setVisible(chosen)
        self.remove_button.setVisible(chosen and self._editable)

    def set_editable(self, editable: bool) -> None:
        """A signed note: no search field and no Remove."""
        self._editable = editable
        self.search.setVisible(editable)
        self._update_chosen_height()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        found = problems_under(problems, "diagnoses")
        self.errors.show_problems(found)

    def focus_widgets(self) -> list[QWidget]:
        return [self.search, self.chosen, self.remove_button]
