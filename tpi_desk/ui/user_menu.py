"""The signed-in user's menu: Lock (Ctrl+L), Change password…, Sign out
(Ctrl+Shift+L, to switch user); and the password dialog."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFormLayout, QLineEdit, QMenu, QMenuBar, QVBoxLayout, QWidget

from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.form_dialog import FormDialog, ask_once

LOCK_SHORTCUT = "Ctrl+L"
# Switch user: sign out to the sign-in dialog, its username empty and focused.
SWITCH_USER_SHORTCUT = "Ctrl+Shift+L"


class UserMenu(QMenu):
    """Titled with the signed-in user's name; the window connects the three actions."""

    def __init__(self, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(display_name, parent)
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.change_password_action = QAction("&Change password…", self)
        self.sign_out_action = QAction("&Sign out / switch user", self)
        self.sign_out_action.setShortcut(QKeySequence(SWITCH_USER_SHORTCUT))
        self.addAction(self.lock_action)
        self.addAction(self.change_password_action)
        self.addSeparator()
        self.addAction(self.sign_out_action)

    @classmethod
    def add_to(cls, menu_bar: QMenuBar, display_name: str) -> UserMenu:
        menu = cls(display_name, menu_bar)
        menu_bar.addMenu(menu)
        return menu


class ChangePasswordDialog(FormDialog):
    """Current password, the new one twice; the refusal is shown in the dialog."""

    def __init__(self, users: UserService, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, title="Change password", accept_text="Change password", minimum_width=440
        )
        self._users = users
        self._actor = actor
        self.changed = False
        self.old_password = QLineEdit()
        self.new_password = QLineEdit()
        self.new_again = QLineEdit()
        form = QFormLayout()
        for label, box in (
            ("Current password:", self.old_password),
            ("New password:", self.new_password),
            ("New password again:", self.new_again),
        ):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.setAccessibleName(label.rstrip(":"))
            form.addRow(label, box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def submit(self) -> bool:
        if self.new_password.text() != self.new_again.text():
            return self._refuse("The two new passwords are not the same.")
        try:
            self._users.change_password(
                self._actor, self.old_password.text(), self.new_password.text()
            )
        except ValidationFailed as error:
            return self._refuse("\n".join(problem.message for problem in error.problems))
        except UserError as error:
            return self._refuse(error.message)
        self.changed = True
        return True

    def _refuse(self, message: str) -> bool:
        return self.refuse(message[:1].upper() + message[1:])

    @classmethod
    def ask(cls, users: UserService, actor: Actor, parent: QWidget | None = None) -> bool:
        """True once the password was changed."""
        return ask_once(cls(users, actor, parent), lambda dialog: dialog.changed) is True
