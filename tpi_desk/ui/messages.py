"""The one place the app talks to the user in message boxes (tests replace the instance)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from tpi_desk.ui.problem_list_dialog import ProblemListDialog, ProblemRow


class UserMessages(QObject):
    """Errors, confirmations, information and problem lists, each shown modally."""

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent
        ).exec()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
        ).exec()

    def confirm(
        self, parent: QWidget | None, title: str, text: str, *, confirm_text: str = "OK"
    ) -> bool:
        """True when the user chose ``confirm_text``; Cancel is the default button."""
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
        )
        accept = box.addButton(confirm_text, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is accept

    def problems(
        self, parent: QWidget | None, title: str, intro: str, rows: Sequence[ProblemRow]
    ) -> None:
        """A list of problems, one row each (e.g. file, field, what is wrong)."""
        ProblemListDialog(title, intro, rows, parent).exec()
