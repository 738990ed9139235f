"""A one-line notice across the top of the editor, with an optional action button."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tpi_desk.ui.session_editor.style import (
    AMBER_BACKGROUND,
    AMBER_BORDER,
    BLUE,
    BLUE_BACKGROUND,
    GREEN,
    GREEN_BACKGROUND,
    RED,
    RED_BACKGROUND,
    TEXT,
)


class BannerKind(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


_COLOURS = {
    BannerKind.INFO: (BLUE, BLUE_BACKGROUND),
    BannerKind.SUCCESS: (GREEN, GREEN_BACKGROUND),
    BannerKind.WARNING: (AMBER_BORDER, AMBER_BACKGROUND),
    BannerKind.ERROR: (RED, RED_BACKGROUND),
}


class Banner(QFrame):
    """Hidden until ``show_message``; the button (if any) runs the message's ``on_action``, or
    emits ``action_triggered`` when it has none."""

    action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.kind = BannerKind.INFO
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._on_action: Callable[[], None] | None = None
        self.button.clicked.connect(self._act)
        self.hide()

    def _act(self) -> None:
        on_action = self._on_action
        if on_action is None:
            self.action_triggered.emit()
            return
        self.clear()
        on_action()

    def show_message(
        self,
        kind: BannerKind,
        text: str,
        action: str = "",
        on_action: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self._on_action = on_action
        border, background = _COLOURS[kind]
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QFrame#banner QLabel {{ color: {TEXT}; }}"
        )
        self.label.setText(text)
        self.button.setText(action)
        self.button.setVisible(bool(action))
        self.show()

    def clear(self) -> None:
        self._on_action = None
        self.label.clear()
        self.button.hide()
        self.hide()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()
