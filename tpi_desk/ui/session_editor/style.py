"""The editor's few colours: calm neutrals, amber warnings, red blockers, green for ready."""

from __future__ import annotations

from tpi_desk.clinical.alerts import AlertSeverity
from tpi_desk.ui.theme import ERROR_RED

TEXT = "#1f2933"
MUTED = "#5f6b7a"
BORDER = "#d5dbe3"
CARD = "#f7f9fb"
RED = ERROR_RED
RED_BACKGROUND = "#fdecea"
AMBER = "#8a5300"
AMBER_BORDER = "#e0a100"
AMBER_BACKGROUND = "#fff6e0"
GREEN = "#1e7b45"
GREEN_BACKGROUND = "#e7f4ec"
BLUE = "#1f5fa8"
BLUE_BACKGROUND = "#eaf2fb"
INVALID_BACKGROUND = "#fdf0ef"

SEVERITY_COLOURS = {
    AlertSeverity.BLOCKING: (RED, RED_BACKGROUND),
    AlertSeverity.WARNING: (AMBER_BORDER, AMBER_BACKGROUND),
    AlertSeverity.INFO: (BLUE, BLUE_BACKGROUND),
}
SEVERITY_WORDS = {
    AlertSeverity.BLOCKING: "Blocks signing",
    AlertSeverity.WARNING: "Warning",
    AlertSeverity.INFO: "Note",
}

FIELD_BORDER = "#c9d1db"
ACCENT = "#2563eb"
DISABLED_BACKGROUND = "#f3f5f8"

# Added to the app's page style (tpi_desk.ui.theme.PAGE_STYLE): the multi-line fields get the
# text fields' border and focus ring; a field whose value cannot be accepted turns red. Combo
# and spin boxes keep the native look (a styled border would lose their arrows).
EDITOR_STYLE = f"""
QPlainTextEdit, QListWidget {{
    background: #ffffff; border: 1px solid {FIELD_BORDER}; border-radius: 5px;
}}
QPlainTextEdit:focus, QListWidget:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QListWidget:disabled {{
    background: {DISABLED_BACKGROUND}; color: #6b7280;
}}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{
    border: 1px solid {RED}; background: {INVALID_BACKGROUND};
}}
QComboBox, QSpinBox, QDateTimeEdit {{ min-height: 21px; }}
QToolButton {{ border: none; padding: 2px 4px; color: {MUTED}; }}
QToolButton:hover {{ color: {RED}; }}
QToolButton:focus {{
    border: 2px solid {ACCENT}; border-radius: 4px; padding: 0px 2px; color: {RED};
}}
"""
