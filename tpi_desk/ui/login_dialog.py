"""Signing in: username and password; a refusal never says which of the two was wrong."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.form_dialog import FormDialog, ask_once
from tpi_desk.ui.theme import PAGE_STYLE

DIALOG_WIDTH = 420


class Authenticator(Protocol):
    """What the dialog asks (``UserService`` answers; at start-up, ``PendingUsers``)."""

    def authenticate(self, username: str, password: str) -> Actor: ...


class LoginDialog(FormDialog):
    """Enter submits; on success ``actor`` holds the signed-in user and the dialog accepts."""

    def __init__(
        self, users: Authenticator, parent: QWidget | None = None, *, username: str = ""
    ) -> None:
        super().__init__(
            parent, title="Sign in to TPI Desk", accept_text="Sign in", minimum_width=DIALOG_WIDTH
        )
        self._users = users
        self.actor: Actor | None = None
        title = QLabel("Sign in")
        title.setObjectName("pageTitle")
        self.username = QLineEdit(username)
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.sign_in_button = self.accept_button
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
        self.username.returnPressed.connect(self.accept)
        self.password.returnPressed.connect(self.accept)

    def submit(self) -> bool:
        """Try to sign in; on failure say so (plainly, without naming the wrong field)."""
        if not self.username.text().strip() or not self.password.text():
            return self._refuse("Enter your username and password.")
        try:
            self.actor = self._users.authenticate(self.username.text(), self.password.text())
        except UserError as error:  # a wrong password, or AccountLocked saying until when
            return self._refuse(error.message)
        return True

    def _refuse(self, message: str) -> bool:
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.refuse(message)

    @classmethod
    def ask(
        cls, users: Authenticator, parent: QWidget | None = None, *, username: str = ""
    ) -> Actor | None:
        """The signed-in user, or None when the user cancelled."""
        return ask_once(cls(users, parent, username=username), lambda dialog: dialog.actor)
