"""The patient page's personal templates: one button (and Ctrl+1…9) per template of the
signed-in clinician starts a session from it in one action."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.dto import SiteTemplate

SHORTCUT_COUNT = 9
NO_TEMPLATES = (
    "No personal templates yet: in a session, Templates ▸ Save sites as template… keeps "
    "its sites and drugs for next time."
)
BUTTON_TEXT_LENGTH = 44
HINT_COLOUR = "#6b7280"  # the page's muted grey (theme.py's hints)


def template_summary(template: SiteTemplate, catalog: Catalog) -> str:
    """``"2 sites: Upper trapezius (bilateral), Levator scapulae (left)"``: a button's
    tooltip (the button shows the name the clinician chose)."""

    def muscle(muscle_id: str) -> str:
        known = catalog.muscles.get(muscle_id)
        return known.name if known is not None else muscle_id

    sites = ", ".join(f"{muscle(site.muscle_id)} ({site.side.value})" for site in template.sites)
    count = len(template.sites)
    return f"{count} site{'s' if count != 1 else ''}: {sites}"


class TemplateBar(QWidget):
    """``template_chosen(template_id)`` when a button is clicked or its Ctrl+digit pressed."""

    template_chosen = Signal(int)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.title = QLabel("Start from a template:")
        self.title.setObjectName("sectionTitle")
        self.empty_hint = QLabel(NO_TEMPLATES)
        self.empty_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        self.empty_hint.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addWidget(self.title)
        self._row.addWidget(self.empty_hint, 1)
        self._row.addStretch(0)
        self.shortcut_actions: list[QAction] = []
        for number in range(1, SHORTCUT_COUNT + 1):
            action = QAction(f"Template {number}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, n=number: self._shortcut(n))
            self.addAction(action)
            self.shortcut_actions.append(action)
        self._template_ids: list[int] = []

    def show_templates(self, templates: Sequence[SiteTemplate]) -> None:
        """One button per template, numbered for Ctrl+1…9 in the order given."""
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        self._template_ids = [template.id for template in templates]
        for number, template in enumerate(templates, start=1):
            button = QPushButton(self._button_text(number, template.name))
            tooltip = f"{template.name}\n{template_summary(template, self._catalog)}"
            if number <= SHORTCUT_COUNT:
                tooltip += f"\nStarts a session from it (Ctrl+{number})"
            button.setToolTip(tooltip)
            button.setAccessibleName(f"New session from template {template.name}")
            button.clicked.connect(lambda _=False, t=template.id: self.template_chosen.emit(t))
            self._row.insertWidget(self._row.count() - 2, button)
            self.buttons.append(button)
        self.empty_hint.setVisible(not templates)

    @staticmethod
    def _button_text(number: int, name: str) -> str:
        short = name if len(name) <= BUTTON_TEXT_LENGTH else name[: BUTTON_TEXT_LENGTH - 1] + "…"
        return f"{number} · {short}" if number <= SHORTCUT_COUNT else short

    def _shortcut(self, number: int) -> None:
        if number <= len(self._template_ids):
            self.template_chosen.emit(self._template_ids[number - 1])
