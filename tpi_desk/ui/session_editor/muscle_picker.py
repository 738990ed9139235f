"""Choosing a muscle: type part of its name (or its group) and pick; the list is grouped."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QIcon,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog, Muscle
from tpi_desk.clinical.text_folding import fold
from tpi_desk.ui.session_editor.style import MUTED

MUSCLE_ID_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
FIRST_IN_GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
GROUP_HEADER_PADDING = 6

ModelIndex = QModelIndex | QPersistentModelIndex


def chevron_icon(size: int = 16) -> QIcon:
    """A small muted ▾ drawn in code (no image file), for the "show all" button in the field."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(MUTED), 1.6))
    third = size / 3
    painter.drawPolyline(
        [
            QPointF(third, size * 0.42),
            QPointF(size / 2, size * 0.62),
            QPointF(2 * third, size * 0.42),
        ]
    )
    painter.end()
    return QIcon(pixmap)


class MuscleResultsModel(QAbstractListModel):
    """Muscles matching the search, in the catalog's group order; each row knows its group."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._groups = list(dict.fromkeys(m.group for m in catalog.muscles.values()))
        self._muscles: list[Muscle] = []
        self.search("")

    def search(self, text: str) -> None:
        found = self._catalog.search_muscles(text)
        order = {muscle.id: index for index, muscle in enumerate(found)}
        # Grouped as the catalog groups them; within a group, best matches first.
        found.sort(key=lambda m: (self._groups.index(m.group), order[m.id]))
        self.beginResetModel()
        self._muscles = found
        self.endResetModel()

    def muscle_at(self, row: int) -> Muscle:
        return self._muscles[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._muscles)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._muscles):
            return None
        muscle = self._muscles[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return muscle.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{muscle.name} ({muscle.group}; region: {muscle.region.replace('_', ' ')})"
        if role == MUSCLE_ID_ROLE:
            return muscle.id
        if role == GROUP_ROLE:
            return muscle.group
        if role == FIRST_IN_GROUP_ROLE:
            row = index.row()
            return row == 0 or self._muscles[row - 1].group != muscle.group
        return None


class GroupedMuscleDelegate(QStyledItemDelegate):
    """Draws the group's name above the first muscle of each group."""

    def _header_height(self, option: QStyleOptionViewItem) -> int:
        return option.fontMetrics.height() + GROUP_HEADER_PADDING

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(FIRST_IN_GROUP_ROLE):
            size.setHeight(size.height() + self._header_height(option))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        item_option = QStyleOptionViewItem(option)
        view = option.widget
        if isinstance(view, QAbstractItemView) and view.currentIndex() == index:
            item_option.state |= QStyle.StateFlag.State_Selected
        if index.data(FIRST_IN_GROUP_ROLE):
            header = self._header_height(option)
            band = QRect(option.rect.left(), option.rect.top(), option.rect.width(), header)
            painter.save()
            font = QFont(option.font)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.9)
            painter.setFont(font)
            painter.setPen(QColor(MUTED))
            painter.drawText(
                band.adjusted(6, 2, -6, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                str(index.data(GROUP_ROLE)).upper(),
            )
            painter.restore()
            item_option.rect = option.rect.adjusted(0, header, 0, 0)
        item_option.rect = item_option.rect.adjusted(10, 0, 0, 0)
        super().paint(painter, item_option, index)


class MusclePicker(QWidget):
    """A text field that completes muscle names; its ▾ (or Alt+Down) lists all muscles by group."""

    changed = Signal()
    muscle_chosen = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._muscle_id = ""
        self._updating = False
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText("Muscle")
        self.list_action = self.line_edit.addAction(
            chevron_icon(), QLineEdit.ActionPosition.TrailingPosition
        )
        self.list_action.setToolTip("All muscles, by group (Alt+Down)")
        self.results = MuscleResultsModel(catalog, self)
        self.completer = QCompleter(self.results, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.line_edit)
        self.completer.setMaxVisibleItems(12)
        self.popup = QListView()
        self.completer.setPopup(self.popup)
        self.popup.setItemDelegate(GroupedMuscleDelegate(self.popup))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit, 1)
        # No focus proxy: a container with one stays at the end of the window's Tab chain
        # (sites are added later), and Tab from the form's last field jumped back to it (to
        # the first site) instead of going on to the header and the patient list.
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.textChanged.connect(self._on_text_changed)
        self.line_edit.returnPressed.connect(self._on_return_pressed)
        self.completer.activated.connect(self._on_activated)
        self.list_action.triggered.connect(self.show_all)
        for keys in ("Alt+Down", "F4"):
            shortcut = QShortcut(QKeySequence(keys), self.line_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.show_all)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Given the focus (``setFocus`` on the picker): the cursor goes in its field."""
        super().focusInEvent(event)
        self.line_edit.setFocus(event.reason())

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:
        self.line_edit.setFocus(reason)

    def show_all(self) -> None:
        """Open the whole grouped list (from the ▾ button or Alt+Down)."""
        self.results.search("")
        self.line_edit.setFocus()
        self.completer.complete()

    def _on_text_edited(self, text: str) -> None:
        self.results.search(text)
        if self.results.rowCount():
            self.completer.complete()
            self.popup.setCurrentIndex(self.results.index(0, 0))
        else:
            self.popup.hide()

    def _on_text_changed(self, text: str) -> None:
        if self._updating:
            return
        self._muscle_id = self._match_name(text)
        self.changed.emit()

    def _on_return_pressed(self) -> None:
        popup = self.popup
        if popup.isVisible() and popup.currentIndex().isValid():
            self.choose(popup.currentIndex().row())

    def _on_activated(self, name: str) -> None:
        muscle_id = self._match_name(name)
        if muscle_id:
            self.popup.hide()
            self.set_muscle(muscle_id)
            self.muscle_chosen.emit(muscle_id)

    def _match_name(self, text: str) -> str:
        folded = fold(text.strip())
        for muscle in self._catalog.muscles.values():
            if fold(muscle.name) == folded:
                return muscle.id
        return ""

    def choose(self, row: int) -> None:
        """Take the search result in ``row``."""
        if not 0 <= row < self.results.rowCount():
            return
        muscle = self.results.muscle_at(row)
        self.popup.hide()
        self.set_muscle(muscle.id)
        self.muscle_chosen.emit(muscle.id)

    def muscle_id(self) -> str:
        return self._muscle_id

    def text(self) -> str:
        return self.line_edit.text()

    def set_muscle(self, muscle_id: str, text: str = "") -> None:
        """Show ``muscle_id`` (or ``text`` as typed when no muscle was chosen)."""
        muscle = self._catalog.muscles.get(muscle_id)
        shown = muscle.name if muscle is not None else text
        self._updating = True
        self.line_edit.setText(shown)
        self._updating = False
        self._muscle_id = muscle.id if muscle is not None else self._match_name(shown)
        self.changed.emit()
