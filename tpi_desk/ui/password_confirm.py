"""The password asked again before a signature or co-signature, with the refusal shown in
the dialog itself."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from tpi_desk.services.errors import AccountLocked, UserError, WrongPassword
from tpi_desk.ui.error_label import error_label

# Called with the typed password: the error message to show, or None once it was accepted.
PasswordAttempt = Callable[[str], str | None]


class PasswordConfirmField(QWidget):
    """A password box and a red line under it saying why the last attempt was refused."""

    def __init__(self, label: str = "Your password", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(label)
        self.error_label = error_label()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(f"{label}:", self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error_label)

    def text(self) -> str:
        return self.password.text()

    def try_with(self, attempt: PasswordAttempt) -> bool:
        """Run ``attempt`` with the typed password; on refusal show why, clear the box, False."""
        problem = attempt(self.password.text())
        if problem is None:
            self.error_label.hide()
            return True
        self.error_label.setText(problem)
        self.error_label.show()
        self.password.clear()
        self.password.setFocus()
        return False


def password_attempt(action: Callable[[str], object], failures: list[str]) -> PasswordAttempt:
    """An attempt that runs ``action(password)``: a wrong password or a lockout is returned
    for the field to show; any other refusal is added to ``failures`` (for a message after
    the dialog) and ends the attempt."""

    def attempt(password: str) -> str | None:
        try:
            action(password)
        except UserError as error:
            refusal = password_refusal(error)
            if refusal is not None:
                return refusal
            failures.append(error.message)
        return None

    return attempt


def password_refusal(error: Exception) -> str | None:
    """The message to keep the dialog open with (wrong password, locked account), else None."""
    if isinstance(error, WrongPassword | AccountLocked):
        return error.message
    return None
