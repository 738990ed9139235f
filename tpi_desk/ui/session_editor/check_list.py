"""A list of catalog options with check boxes: one stop for Tab, arrows move, Space ticks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole


class CheckList(QListWidget):
    """Catalog options with check boxes (Space toggles the current one), in ``columns``
    columns filled top to bottom; ``toggled_by_user`` tells a click or a key from a load."""

    toggled_by_user = Signal()

    def __init__(
        self, options: Mapping[str, str], parent: QWidget | None = None, *, columns: int = 1
    ) -> None:
        super().__init__(parent)
        self._columns = columns
        self._loading = False
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(columns == 1)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        if columns > 1:
            self.setFlow(QListView.Flow.TopToBottom)
            self.setWrapping(True)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        self.itemChanged.connect(self._on_item_changed)

    def _on_item_changed(self) -> None:
        if not self._loading:
            self.toggled_by_user.emit()

    def rows(self) -> int:
        """Rows needed to show every option in the columns."""
        return -(-self.count() // self._columns)

    def fit_rows(self, rows: int | None = None) -> None:
        """As tall as ``rows`` rows (all options when None), so lists side by side line up."""
        shown = self.rows() if rows is None else rows
        self.setFixedHeight(shown * self._row_height() + 2 * self.frameWidth() + 4)

    def _row_height(self) -> int:
        return self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 4

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._columns > 1:
            width = (self.viewport().width() - 2) // self._columns
            self.setGridSize(QSize(max(width, 40), self._row_height()))

    def options(self) -> tuple[str, ...]:
        return tuple(str(self.item(row).data(ID_ROLE)) for row in range(self.count()))

    def checked(self) -> tuple[str, ...]:
        return tuple(
            str(self.item(row).data(ID_ROLE))
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, options: Sequence[str]) -> None:
        """Tick exactly ``options`` (not a choice of the user: no ``toggled_by_user``)."""
        self._loading = True
        try:
            for row in range(self.count()):
                item = self.item(row)
                wanted = item.data(ID_ROLE) in options
                state = Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._loading = False
