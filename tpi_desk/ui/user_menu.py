"""The signed-in user's menu: Lock (Ctrl+L), Change password…, Sign out; and the password dialog."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.error_label import error_label

LOCK_SHORTCUT = "Ctrl+L"


class UserMenu(QMenu):
    """Titled with the signed-in user's name; the window connects the three actions."""

    def __init__(self, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(display_name, parent)
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.change_password_action = QAction("&Change password…", self)
        self.sign_out_action = QAction("&Sign out", self)
        self.addAction(self.lock_action)
        self.addAction(self.change_password_action)
        self.addSeparator()
        self.addAction(self.sign_out_action)

    @classmethod
    def add_to(cls, menu_bar: QMenuBar, display_name: str) -> UserMenu:
        menu = cls(display_name, menu_bar)
        menu_bar.addMenu(menu)
        return menu


class ChangePasswordDialog(QDialog):
    """Current password, the new one twice; the refusal is shown in the dialog."""

    def __init__(self, users: UserService, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users = users
        self._actor = actor
        self.changed = False
        self.setWindowTitle("Change password")
        self.setMinimumWidth(440)
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
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change password")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        if self.new_password.text() != self.new_again.text():
            self._refuse("The two new passwords are not the same.")
            return
        try:
            self._users.change_password(
                self._actor, self.old_password.text(), self.new_password.text()
            )
        except ValidationFailed as error:
            self._refuse("\n".join(problem.message for problem in error.problems))
            return
        except UserError as error:
            self._refuse(error.message)
            return
        self.changed = True
        super().accept()

    def _refuse(self, message: str) -> None:
        self.error_label.setText(message[:1].upper() + message[1:])
        self.error_label.show()

    @classmethod
    def ask(cls, users: UserService, actor: Actor, parent: QWidget | None = None) -> bool:
        """True once the password was changed."""
        dialog = cls(users, actor, parent)
        dialog.exec()
        changed = dialog.changed
        dialog.deleteLater()
        return changed
