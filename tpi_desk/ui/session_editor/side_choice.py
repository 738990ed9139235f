"""A site's side: a drop-down that takes one letter (l, r, b, m) and then lets the cursor go on."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QWidget

from tpi_desk.clinical.record import Side


class SideChoice(QComboBox):
    """ "Side", then one item per side. A letter that picks a side emits ``chosen_by_letter``
    once the drop-down has taken it, so the site can move the cursor to what comes next (as
    a typed pain score does); arrows and the open list keep the cursor here."""

    chosen_by_letter = Signal()

    def __init__(self, labels: Mapping[Side, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("Side", "")
        for side, label in labels.items():
            self.addItem(label, side.value)
        self._letters = {label[0].lower() for label in labels.values()}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.text().lower() in self._letters and self.currentData():
            # After the key's own handling (and any signals it sends) is done.
            QTimer.singleShot(0, self.chosen_by_letter.emit)
