"""Personal templates: save the current sites under a name, apply one, delete one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from tpi_desk.services.dto import SiteTemplate
from tpi_desk.ui.formatting import PROCEDURE_SHORT_NAMES


def describe_template(template: SiteTemplate) -> str:
    sites = len(template.sites)
    return (
        f"{template.name}  ({PROCEDURE_SHORT_NAMES[template.kind]}, "
        f"{sites} {'site' if sites == 1 else 'sites'})"
    )


def ask_template_name(parent: QWidget | None, suggestion: str = "") -> str | None:
    """The name for a new template, or None when the user cancelled."""
    name, accepted = QInputDialog.getText(
        parent,
        "Save sites as template",
        "Template name (a template with the same name is replaced):",
        QLineEdit.EchoMode.Normal,
        suggestion,
    )
    return name.strip() if accepted and name.strip() else None


class TemplatesMenu(QMenu):
    """The user's templates; choosing one asks the editor to apply it."""

    save_requested = Signal()
    apply_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Templates", parent)
        self.templates: tuple[SiteTemplate, ...] = ()
        self.show_templates(())

    def show_templates(self, templates: Sequence[SiteTemplate]) -> None:
        self.templates = tuple(templates)
        self.clear()
        save = self.addAction("Save current sites as template…")
        save.triggered.connect(self.save_requested)
        self.addSeparator()
        if not self.templates:
            empty = self.addAction("No templates yet")
            empty.setEnabled(False)
            return
        for template in self.templates:
            action = self.addAction(describe_template(template))
            action.setToolTip("Add these sites to the session")
            action.triggered.connect(
                lambda _checked=False, tid=template.id: self.apply_requested.emit(tid)
            )
        self.addSeparator()
        delete_menu = self.addMenu("Delete template")
        for template in self.templates:
            action = delete_menu.addAction(template.name)
            action.triggered.connect(
                lambda _checked=False, tid=template.id: self.delete_requested.emit(tid)
            )
