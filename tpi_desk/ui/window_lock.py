"""Locking a main window: everything hidden behind the lock page until the password is given."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

from tpi_desk.ui.idle_lock import LockPage

LOCKED_TITLE = "TPI Desk — locked"


class WindowLock:
    """Swaps a window's central widget for a ``LockPage`` and back; the hidden widgets keep
    their state (an open editor keeps autosaving). Checking the password is the caller's."""

    def __init__(self, window: QMainWindow, *, always_enabled: set[QAction]) -> None:
        self._window = window
        self._always_enabled = always_enabled
        self.page: LockPage | None = None
        self._hidden_central: QWidget | None = None
        self._unlocked_title = ""
        self._actions_enabled: dict[QAction, bool] = {}

    def engage(self, display_name: str) -> LockPage:
        """Hide the window's contents, menus and status bar behind a new lock page."""
        window = self._window
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()  # a dialog left open may show a patient's name
        self._unlocked_title = window.windowTitle()
        self._actions_enabled = {action: action.isEnabled() for action in self._lockable()}
        for action in self._actions_enabled:
            action.setEnabled(False)
        self._hidden_central = window.takeCentralWidget()
        page = LockPage(display_name)
        self.page = page
        window.setCentralWidget(page)
        page.show()  # at once, not at the next event loop turn
        window.menuBar().setEnabled(False)
        window.statusBar().hide()
        window.setWindowTitle(LOCKED_TITLE)
        page.password.setFocus(Qt.FocusReason.OtherFocusReason)
        return page

    def release(self) -> None:
        """Show the window's contents again, as they were."""
        window = self._window
        if self.page is not None:
            self.page.deleteLater()
            self.page = None
        if self._hidden_central is not None:
            window.setCentralWidget(self._hidden_central)
            self._hidden_central.show()
            self._hidden_central = None
        for action, enabled in self._actions_enabled.items():
            action.setEnabled(enabled)
        window.menuBar().setEnabled(True)
        window.statusBar().show()
        window.setWindowTitle(self._unlocked_title)

    def _lockable(self) -> list[QAction]:
        return [
            action
            for action in self._window.findChildren(QAction)
            if action not in self._always_enabled
        ]
