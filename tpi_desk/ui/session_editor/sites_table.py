"""The session's sites, one card each, in the order they were added."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_state import RawSite
from tpi_desk.ui.session_editor.form_widgets import ErrorLabel, problems_under
from tpi_desk.ui.session_editor.medication_row import VialSource
from tpi_desk.ui.session_editor.site_editor import SiteEditor
from tpi_desk.ui.session_editor.style import MUTED

EMPTY_TEXT = "No sites yet. Add one with Ctrl+Shift+A, or click a muscle on the body map."


class SitesTable(QWidget):
    """Adds, removes and numbers site cards; hides medications for dry needling."""

    changed = Signal()
    # A site the clinician removed: its place and what it held (the editor offers Undo).
    site_removed = Signal(int, object)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._medications_enabled = True
        self._editable = True
        self.site_editors: list[SiteEditor] = []
        self.vial_source: VialSource = lambda: ()
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setStyleSheet(f"color: {MUTED}; padding: 6px 0;")
        self.add_button = QPushButton("+ Add site")
        self.add_button.setToolTip("Add a site (Ctrl+Shift+A)")
        self.errors = ErrorLabel()
        self._cards = QVBoxLayout()
        self._cards.setContentsMargins(0, 0, 0, 0)
        self._cards.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._cards)
        layout.addWidget(self.errors)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add_clicked)

    def _on_add_clicked(self) -> None:
        self.add_site().muscle.setFocus()

    def add_site(self, raw: RawSite | None = None, at: int | None = None) -> SiteEditor:
        """Add a site card (empty, or showing ``raw``) at the end or at index ``at``."""
        index = len(self.site_editors) if at is None else max(0, min(at, len(self.site_editors)))
        editor = SiteEditor(self._catalog, self)
        editor.vial_source = lambda: self.vial_source()
        editor.set_medications_enabled(self._medications_enabled)
        if raw is not None:
            editor.load(raw)
        editor.set_editable(self._editable)
        editor.changed.connect(self.changed)
        editor.remove_requested.connect(self._on_remove_requested)
        self.site_editors.insert(index, editor)
        self._cards.insertWidget(index, editor)
        self._renumber()
        self.empty_label.setVisible(False)
        self.changed.emit()
        return editor

    def _on_remove_requested(self, editor: QWidget) -> None:
        if isinstance(editor, SiteEditor) and editor in self.site_editors:
            index = self.site_editors.index(editor)
            raw = editor.raw()
            self._remove(editor)
            self.site_removed.emit(index, raw)

    def _renumber(self) -> None:
        for index, editor in enumerate(self.site_editors):
            editor.set_index(index)

    def _remove(self, editor: QWidget) -> None:
        if not isinstance(editor, SiteEditor) or editor not in self.site_editors:
            return
        self.site_editors.remove(editor)
        self._cards.removeWidget(editor)
        editor.hide()
        editor.deleteLater()
        self._renumber()
        self.empty_label.setVisible(not self.site_editors)
        self.changed.emit()

    def remove_site(self, index: int) -> None:
        self._remove(self.site_editors[index])

    def clear(self) -> None:
        for editor in list(self.site_editors):
            self._remove(editor)

    def load(self, sites: Sequence[RawSite]) -> None:
        self.clear()
        for site in sites:
            self.add_site(site)

    def raw_sites(self) -> tuple[RawSite, ...]:
        return tuple(editor.raw() for editor in self.site_editors)

    def medication_count(self) -> int:
        return sum(len(editor.medication_rows) for editor in self.site_editors)

    def set_medications_enabled(self, enabled: bool) -> None:
        self._medications_enabled = enabled
        for editor in self.site_editors:
            editor.set_medications_enabled(enabled)

    def set_editable(self, editable: bool) -> None:
        """Show or hide the add and remove buttons (hidden on a signed note)."""
        self._editable = editable
        self.add_button.setVisible(editable)
        for editor in self.site_editors:
            editor.set_editable(editable)

    def clear_medications(self) -> None:
        for editor in self.site_editors:
            editor.clear_medications()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.errors.show_problems([p for p in problems if p.path == "sites"])
        for editor in self.site_editors:
            editor.show_problems(problems_under(problems, editor.path))

    def focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for editor in self.site_editors:
            widgets += editor.focus_widgets()
        widgets.append(self.add_button)
        return widgets
