"""The main window's Reports menu (Alt+E: the editor's labels hold Alt+R's neighbours, Review
holds R) with Outcomes… (Ctrl+Shift+O), for whoever may read the outcomes report (every role
that reads signed notes); Lot recall… joins it (ui/recall_import_actions.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

OUTCOMES_SHORTCUT = "Ctrl+Shift+O"

if TYPE_CHECKING:  # the dialog loads pyqtgraph: only on first use
    from tpi_desk.ui.outcomes.dialog import OutcomesDialog


class OutcomesMenu:
    """Adds the menu and its action to ``window``; opens the dashboard when asked."""

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        messages: UserMessages,
        actor: Actor | None,
    ) -> None:
        self._window = window
        self._context = context
        self._messages = messages
        self._actor = actor
        self.action = QAction("&Outcomes…", window)
        self.action.setShortcut(QKeySequence(OUTCOMES_SHORTCUT))
        self.action.setStatusTip("Pain before and after, and relief, over time by group")
        allowed = may(actor, Action.VIEW_OUTCOMES)
        self.action.setVisible(allowed)
        self.action.setEnabled(allowed)
        self.menu = window.menuBar().addMenu("R&eports")
        self.menu.addAction(self.action)
        self.menu.menuAction().setVisible(allowed)
        self.action.triggered.connect(self.show_outcomes)

    def open_dialog(self) -> OutcomesDialog:
        """The dashboard, built but not yet shown."""
        from tpi_desk.ui.outcomes.dialog import OutcomesDialog  # pyqtgraph: ~0.2 s, only now

        return OutcomesDialog(
            self._context.outcomes,
            self._messages,
            self._actor,
            self._context.clock().date(),
            self._window,
        )

    def show_outcomes(self) -> None:
        self.open_dialog().ask()
