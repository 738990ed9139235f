"""The app's look: Fusion with a calm light palette, 10 pt text, and styles for shared roles."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 10.0
ACCENT = "#2563eb"
# Refusals and field problems, in every dialog.
ERROR_RED = "#b3261e"
ERROR_STYLE = f"QLabel {{ color: {ERROR_RED}; }}"

# Widgets opt in by object name (pageTitle, card, primaryButton, ...); set on a page, it
# styles that page's tables, headers and buttons and nothing outside it.
PAGE_STYLE = f"""
QLabel#pageTitle {{ font-size: 18pt; font-weight: 600; color: #111827; }}
QLabel#pageSubtitle {{ color: #4b5563; }}
QLabel#paneTitle {{ font-size: 13pt; font-weight: 600; color: #111827; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 600; color: #1f2937; }}
QLabel#emptyHint {{ color: #6b7280; font-size: 11pt; padding: 24px; }}
QLabel#stepText {{ color: #374151; }}
QLabel#patientListFooter {{ color: #6b7280; }}
QFrame#separator {{ color: #e5e9ef; background: #e5e9ef; max-height: 1px; border: none; }}
QFrame#card {{ background: #ffffff; border: 1px solid #e1e6ec; border-radius: 8px; }}
QTableView {{
    background: #ffffff; alternate-background-color: #f7f9fc;
    border: 1px solid #e1e6ec; border-radius: 6px;
    selection-background-color: #dbe7fd; selection-color: #111827;
}}
QTableView::item {{ padding: 0px 6px; border: none; }}
QHeaderView::section {{
    background: #f3f5f8; color: #374151; font-weight: 600;
    border: none; border-bottom: 1px solid #e1e6ec; padding: 5px 6px;
}}
QLineEdit {{
    background: #ffffff; border: 1px solid #c9d1db; border-radius: 5px; padding: 5px 8px;
}}
/* A visible focus ring: 2 px of the accent, the padding 1 px less so nothing moves. */
QLineEdit:focus {{ border: 2px solid {ACCENT}; padding: 4px 7px; }}
QPushButton {{
    background: #ffffff; color: #1f2937; border: 1px solid #c9d1db; border-radius: 5px;
    padding: 6px 14px;
}}
QPushButton:hover {{ background: #f1f4f8; }}
QPushButton:pressed {{ background: #e6ebf1; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 5px 13px; }}
QPushButton#primaryButton {{
    background: {ACCENT}; color: #ffffff; border: 1px solid #1d4ed8; font-weight: 600;
}}
QPushButton#primaryButton:hover {{ background: #1d4ed8; }}
QPushButton#primaryButton:pressed {{ background: #1e40af; }}
QPushButton#primaryButton:focus {{ border: 2px solid #1e3a8a; padding: 5px 13px; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion, a light palette with a blue accent, and a readable 10 pt base font."""
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE)
    app.setFont(font)
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f5f7fa",
        QPalette.ColorRole.WindowText: "#1f2937",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f7f9fc",
        QPalette.ColorRole.Text: "#1f2937",
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.ButtonText: "#1f2937",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#111827",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#8a94a3",
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9ca3af"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9ca3af"))
    app.setPalette(palette)
