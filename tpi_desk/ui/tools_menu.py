"""The main window's Tools menu (Lot recall…) and File > Import patients… (issue 15)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

if TYPE_CHECKING:
    from tpi_desk.ui.main_window import MainWindow


class ToolsMenu:
    """Adds the Tools menu to ``window`` and opens the screens of its actions."""

    def __init__(
        self,
        window: MainWindow,
        context: AppContext,
        messages: UserMessages,
        actor: Actor | None,
    ) -> None:
        self._window = window
        self._context = context
        self._messages = messages
        self._actor = actor
        menu = window.menuBar().addMenu("&Tools")
        self.lot_recall_action: QAction = menu.addAction("&Lot recall…")
        self.lot_recall_action.setVisible(may(actor, Action.VIEW_CLINICAL))
        self.lot_recall_action.triggered.connect(self.show_lot_recall)

    def show_lot_recall(self) -> None:
        from tpi_desk.ui.lot_recall_dialog import LotRecallDialog

        dialog = LotRecallDialog(
            self._context.lot_recall, self._messages, self._actor, self._window
        )
        dialog.exec()
