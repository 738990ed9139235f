"""Signing in: username and password; a refusal never says which of the two was wrong."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import AccountLocked, UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.theme import PAGE_STYLE

DIALOG_WIDTH = 420


class Authenticator(Protocol):
    """What the dialog asks (``UserService`` answers; at start-up, ``PendingUsers``)."""

    def authenticate(self, username: str, password: str) -> Actor: ...


class LoginDialog(QDialog):
    """Enter submits; on success ``actor`` holds the signed-in user and the dialog accepts."""

    def __init__(
        self, users: Authenticator, parent: QWidget | None = None, *, username: str = ""
    ) -> None:
        super().__init__(parent)
        self._users = users
        self.actor: Actor | None = None
        self.setWindowTitle("Sign in to TPI Desk")
        self.setMinimumWidth(DIALOG_WIDTH)
        title = QLabel("Sign in")
        title.setObjectName("pageTitle")
        self.username = QLineEdit(username)
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setDefault(True)
        form = QFormLayout()
        form.addRow("Username:", self.username)
        form.addRow("Password:", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setStyleSheet(PAGE_STYLE)
        self._connect_signals()
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.username.returnPressed.connect(self.accept)
        self.password.returnPressed.connect(self.accept)

    def accept(self) -> None:
        """Try to sign in; on failure say so (plainly, without naming the wrong field)."""
        if not self.username.text().strip() or not self.password.text():
            self._show_error("Enter your username and password.")
            return
        try:
            self.actor = self._users.authenticate(self.username.text(), self.password.text())
        except AccountLocked as error:
            self._show_error(error.message)
            return
        except UserError as error:
            self._show_error(error.message)
            return
        super().accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    @classmethod
    def ask(
        cls, users: Authenticator, parent: QWidget | None = None, *, username: str = ""
    ) -> Actor | None:
        """The signed-in user, or None when the user cancelled."""
        dialog = cls(users, parent, username=username)
        dialog.exec()
        actor = dialog.actor if dialog.result() == QDialog.DialogCode.Accepted.value else None
        dialog.deleteLater()
        return actor
