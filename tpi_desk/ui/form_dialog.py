"""The shape every form dialog shares: OK / Cancel, a red line for refusals, save on OK, ask().

A subclass lays out its fields (placing ``error_label`` and ``buttons`` where it wants them)
and implements ``submit()``: save what the form holds and return True, or show why not and
return False. OK, Enter, ``accept()`` and ``save()`` all submit, and the dialog closes only
once ``submit()`` succeeded, so nothing typed is lost to a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from tpi_desk.ui.error_label import error_label

Answer = TypeVar("Answer")
Dialog = TypeVar("Dialog", bound="FormDialog")
StandardButton = QDialogButtonBox.StandardButton


class FormDialog(QDialog):
    """``buttons`` holds the accept button (``accept_button``, named ``accept_text``) and
    Cancel; ``error_label`` is hidden until ``refuse()`` shows a message in it."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str,
        accept_text: str,
        accept_button: StandardButton = StandardButton.Ok,
        minimum_width: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        if minimum_width is not None:
            self.setMinimumWidth(minimum_width)
        self.error_label = error_label()
        self.error_label.setParent(self)
        self.buttons = QDialogButtonBox(accept_button | StandardButton.Cancel)
        self.accept_button = self.buttons.button(accept_button)
        self.accept_button.setText(accept_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def submit(self) -> bool:
        """Save what the form holds; on a refusal show why and return False."""
        raise NotImplementedError

    def accept(self) -> None:
        """OK or Enter: submit, and close only once it worked."""
        self.save()

    def save(self) -> bool:
        """Submit; True (and the dialog accepted) once it worked, else False and still open."""
        if not self.submit():
            return False
        super().accept()
        return True

    def refuse(self, message: str) -> bool:
        """Show ``message`` in the error label; False, for ``return self.refuse(...)``."""
        self.error_label.setText(message)
        self.error_label.show()
        return False

    def clear_error(self) -> None:
        self.error_label.hide()

    def run(self, answer: Callable[[], Answer]) -> Answer | None:
        """Show the dialog modally: ``answer()`` once it was saved, None when cancelled."""
        accepted = self.exec() == QDialog.DialogCode.Accepted.value
        return answer() if accepted else None


def ask_once(dialog: Dialog, answer: Callable[[Dialog], Answer]) -> Answer | None:
    """``dialog.run()``, then the dialog is deleted: for ``ask()`` class methods."""
    try:
        return dialog.run(lambda: answer(dialog))
    finally:
        dialog.deleteLater()
