"""The editor's two columns: the scrolling form on the left, the map and live panel on the right."""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

RIGHT_COLUMN_WIDTH = (280, 560)
RIGHT_COLUMN_SHARE = 0.36
FORM_SLACK = 8
# Room kept around the field with the cursor when the form scrolls to it (x, y).
FOCUS_MARGIN = (24, 48)
# How long the form follows a field that got the cursor while its place still moves.
SETTLE_INTERVAL_MS = 15
SETTLE_TICKS = 20


class FocusFollowingScrollArea(QScrollArea):
    """A scroll area that scrolls to whichever field inside it gets the keyboard focus."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop itself: Tab into it jumped back into the sites instead of going on
        # to the header and the patient list (its fields get the focus, and it follows).
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._settling: QWidget | None = None
        self._last_place: tuple[QPoint, QSize, QSize] | None = None
        self._settle_ticks = 0
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_INTERVAL_MS)
        self._settle_timer.timeout.connect(self._follow_settling_field)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        content = self.widget()
        if new is not None and content is not None and content.isAncestorOf(new):
            self._reveal(new)
            # A field just added (a new site's card) gets the cursor before it is laid out:
            # its place then was not yet its own, and the form scrolled to the wrong one.
            # Follow it until its place stops moving.
            self._settling = new
            self._last_place = None
            self._settle_ticks = 0
            self._settle_timer.start()

    def _reveal(self, field: QWidget) -> None:
        """The whole field and some room around it; ``ensureWidgetVisible`` settles for a
        line edit's text cursor and left its lower edge under the bottom of a short
        (1366x768) screen."""
        content = self.widget()
        if content is None:
            return
        centre = field.mapTo(content, field.rect().center())
        self.ensureVisible(
            centre.x(),
            centre.y(),
            field.width() // 2 + FOCUS_MARGIN[0],
            field.height() // 2 + FOCUS_MARGIN[1],
        )

    def _follow_settling_field(self) -> None:
        field, content = self._settling, self.widget()
        if field is None or content is None or not shiboken6.isValid(field) or not field.hasFocus():
            self._settling = None  # the cursor moved on, or the field was removed meanwhile
            return
        place = (field.mapTo(content, QPoint(0, 0)), field.size(), content.size())
        if place == self._last_place or self._settle_ticks >= SETTLE_TICKS:
            self._settling = None
            return
        self._last_place = place
        self._settle_ticks += 1
        self._reveal(field)
        self._settle_timer.start()


class EditorColumns(QSplitter):
    """Gives the form the width it needs and the right column 36 % (280-560 px) of the rest,
    until the user drags the handle."""

    def __init__(self, form_area: QScrollArea, right_parts: Sequence[QWidget]) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._form_area = form_area
        right = QWidget()
        right.setMinimumWidth(RIGHT_COLUMN_WIDTH[0])
        right.setMaximumWidth(RIGHT_COLUMN_WIDTH[1])
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for part in right_parts:
            layout.addWidget(part)
        layout.setStretch(len(right_parts) - 1, 1)
        self.addWidget(form_area)
        self.addWidget(right)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 0)
        self.setChildrenCollapsible(False)
        self._moved_by_user = False
        self.splitterMoved.connect(self._on_moved)

    def _on_moved(self) -> None:
        self._moved_by_user = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.balance()

    def balance(self) -> None:
        """Share the width again (after a resize, or when the form's needs changed)."""
        width = self.width()
        content = self._form_area.widget()
        if self._moved_by_user or width <= 0 or content is None:
            return
        low, high = RIGHT_COLUMN_WIDTH
        right = int(min(max(width * RIGHT_COLUMN_SHARE, low), high))
        scroll_bar = self._form_area.verticalScrollBar().sizeHint().width()
        form_needs = content.minimumSizeHint().width() + scroll_bar + FORM_SLACK
        right = max(low, min(right, width - self.handleWidth() - form_needs))
        if self.sizes()[1] != right:
            self.setSizes([width - right, right])
