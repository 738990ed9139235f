"""The main window's File and Help actions, with their shortcuts, and the File menu."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget


class WindowActions:
    """Every action of the File and Help menus, owned by ``parent`` (the main window)."""

    def __init__(self, parent: QWidget) -> None:
        self.new_patient = _action(parent, "&New patient…", "Ctrl+Shift+N")
        self.new_session = _action(parent, "New &session", "Ctrl+N")
        self.find = _action(parent, "&Find patient", "Ctrl+F")
        self.today = _action(parent, "&Today's sessions", "Ctrl+T")
        self.import_documents = _action(parent, "&Import session documents…", "Ctrl+I")
        self.import_patients = _action(parent, "Import p&atients…")
        self.demo = _action(parent, "Load &demo data…")
        self.export = _action(parent, "&Export for billing…", "Ctrl+E")
        self.preview = _action(parent, "&Preview note PDF", "Ctrl+P")  # the editor has its own
        self.preview.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.quit = _action(parent, "&Quit", "Ctrl+Q")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.about = _action(parent, "&About TPI Desk")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)

    def fill_file_menu(self, menu: QMenu) -> None:
        groups = (
            (self.new_patient, self.new_session),
            (self.find, self.today),
            (self.import_documents, self.import_patients, self.demo),
            (self.export, self.preview),
            (self.quit,),
        )
        for index, group in enumerate(groups):
            if index:
                menu.addSeparator()
            for action in group:
                menu.addAction(action)


def _action(parent: QWidget, text: str, shortcut: str | None = None) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


class WindowShortcutsFirst(QObject):
    """Window shortcuts that win over a text field's own key bindings wherever the focus is
    in ``window``: a line edit takes Ctrl+E as "end of line" on Linux, so Ctrl+E (export)
    did nothing from the search box."""

    def __init__(self, window: QWidget, actions: Iterable[QAction]) -> None:
        super().__init__(window)
        self._window = window
        self._actions = tuple(actions)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            pressed = QKeySequence(event.keyCombination())
            if any(
                action.isEnabled()
                and action.shortcut().matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                for action in self._actions
            ):
                event.ignore()  # not the field's: the window's shortcut runs
                return True
        return False
