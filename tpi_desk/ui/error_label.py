"""The red, word-wrapped line under a field or a form that says what was refused."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tpi_desk.ui.theme import ERROR_STYLE


def error_label() -> QLabel:
    """Hidden until a message is set and it is shown."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label
