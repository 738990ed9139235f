"""The administrator's user accounts: list, add, change, disable or enable, reset a password."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.admin.account_form import (
    MISMATCH,
    ROLE_LABELS,
    AccountFields,
    FieldErrors,
    password_fields,
)
from tpi_desk.ui.admin.edit_user_dialog import EditUserDialog
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.form_dialog import FormDialog, StandardButton
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.messages import UserMessages


class UserColumn(IntEnum):
    USERNAME = 0
    NAME = 1
    CREDENTIALS = 2
    NPI = 3
    ROLE = 4
    ACTIVE = 5


HEADERS = ("Username", "Name", "Credentials", "NPI", "Role", "Active")
SAMPLES = ("admin.ada.long", None, "PA-C, L.Ac.", "1234567893", "Nurse practitioner / PA", "No")


def user_service(context: AppContext) -> UserService:
    """The user accounts service the window uses."""
    return context.users


class UsersTableModel(RowTableModel[UserRecord]):
    """Every account, one row each (the whole list: a clinic has tens of users, not more)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(HEADERS, parent)

    def set_users(self, users: list[UserRecord]) -> None:
        self.replace_rows(users)

    def user_at(self, row: int) -> UserRecord:
        return self.row_at(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        user = self.row_for(index)
        if user is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(user, UserColumn(index.column()))
        if role == Qt.ItemDataRole.ToolTipRole and not user.has_password:
            return "No password yet (added by an import): reset the password to let them sign in."
        return None


def _cell(user: UserRecord, column: UserColumn) -> str:
    match column:
        case UserColumn.USERNAME:
            return user.username
        case UserColumn.NAME:
            return user.display_name
        case UserColumn.CREDENTIALS:
            return user.credentials
        case UserColumn.NPI:
            return user.npi
        case UserColumn.ROLE:
            return ROLE_LABELS[user.role]
        case UserColumn.ACTIVE:
            return "Yes" if user.active else "No"


class AddUserDialog(FormDialog):
    """A new account; the service checks every field and the errors show under each."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        users: UserService | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Add user",
            accept_text="Add user",
            accept_button=StandardButton.Save,
            minimum_width=460,
        )
        self._messages = messages
        self._actor = actor
        self._users = users or user_service(context)
        self.added: UserRecord | None = None
        self.errors = FieldErrors()
        form = QFormLayout()
        self.fields = AccountFields.add_rows(form, self.errors)
        self.password, self.password_again = password_fields(form, self.errors)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def ask(self) -> UserRecord | None:
        """Show the form; the account added, or None when cancelled."""
        return self.run(lambda: self.added)

    def submit(self) -> bool:
        """Add the account; on problems show them under their fields and stay open."""
        self.errors.clear()
        self.clear_error()
        if self.password.text() != self.password_again.text():
            self.errors.show((MISMATCH,), self.error_label)
            return False
        fields = self.fields
        credentials, npi, acupuncture_certified = fields.clinical_values()
        try:
            self.added = self._users.add_user(
                fields.username.text(),
                fields.display_name.text(),
                self.password.text(),
                role=fields.chosen_role(),
                credentials=credentials,
                npi=npi,
                acupuncture_certified=acupuncture_certified,
                actor=self._actor,
            )
        except ValidationFailed as error:
            self.errors.show(error.problems, self.error_label)
            return False
        except UserError as error:
            self._messages.error(self, "Add user", error.message)
            return False
        return True


class ResetPasswordDialog(FormDialog):
    """A new password for someone else's account (it also lifts a lockout)."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        username: str,
        parent: QWidget | None = None,
        *,
        users: UserService | None = None,
    ) -> None:
        super().__init__(
            parent,
            title=f"Reset password of {username}",
            accept_text="Reset password",
            accept_button=StandardButton.Save,
            minimum_width=420,
        )
        self._messages = messages
        self._actor = actor
        self._users = users or user_service(context)
        self.username = username
        self.done_reset = False
        self.errors = FieldErrors()
        intro = QLabel(
            f"Choose a new password for <b>{username}</b> and give it to them in person. "
            "A locked account is unlocked too."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.password, self.password_again = password_fields(form, self.errors)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def ask(self) -> bool:
        return self.run(lambda: self.done_reset) is True

    def submit(self) -> bool:
        self.errors.clear()
        self.clear_error()
        if self.password.text() != self.password_again.text():
            self.errors.show((MISMATCH,), self.error_label)
            return False
        try:
            self._users.reset_password(self._actor, self.username, self.password.text())
        except ValidationFailed as error:
            self.errors.show(error.problems, self.error_label)
            return False
        except UserError as error:
            self._messages.error(self, "Reset password", error.message)
            return False
        self.done_reset = True
        return True


class UsersDialog(QDialog):
    """The account list with its actions; every change goes through the user service."""

    users_changed = Signal()

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        users: UserService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Users")
        self._context = context
        self._messages = messages
        self._actor = actor
        self._users = users or user_service(context)
        self.model = UsersTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("User accounts")
        configure_list_table(self.table, SAMPLES)
        self.add_button = QPushButton("&Add user…")
        self.edit_button = QPushButton("C&hange…")
        self.toggle_button = QPushButton("&Disable")
        self.reset_button = QPushButton("&Reset password…")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.resize(900, 420)
        self._connect_signals()
        self.reload()

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.close_button.clicked.connect(self.accept)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

    def reload(self) -> bool:
        """Fetch the list again (keeping the selected account selected)."""
        chosen = self.selected_user()
        try:
            users = self._users.list_users(self._actor)
        except UserError as error:
            self.model.set_users([])
            self._messages.error(self, "Users", error.message)
            self._update_buttons()
            return False
        self.model.set_users(users)
        if chosen is not None:
            self.select(chosen.username)
        self._update_buttons()
        return True

    def select(self, username: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.user_at(row).username == username:
                self.table.selectRow(row)
                return True
        return False

    def selected_user(self) -> UserRecord | None:
        index = self.table.currentIndex()
        return self.model.user_at(index.row()) if index.isValid() else None

    def add_user(self) -> None:
        added = AddUserDialog(
            self._context, self._messages, self._actor, self, users=self._users
        ).ask()
        if added is not None:
            self.reload()
            self.select(added.username)
            self.users_changed.emit()

    def edit_selected(self) -> bool:
        """Change the selected account's name, role, credentials or NPI."""
        user = self.selected_user()
        if user is None:
            return False
        changed = EditUserDialog(self._users, self._messages, self._actor, user, self).ask()
        if changed is None:
            return False
        self.reload()
        self.users_changed.emit()
        return True

    def toggle_selected(self) -> bool:
        """Disable the selected active account (after confirming), or enable a disabled one."""
        user = self.selected_user()
        if user is None:
            return False
        if user.active and not self._messages.confirm(
            self,
            "Disable user",
            f"Disable {user.display_name} ({user.username})? They can no longer sign in; "
            "their notes stay as they are.",
            confirm_text="Disable",
        ):
            return False
        try:
            self._users.set_active(self._actor, user.username, not user.active)
        except UserError as error:
            self._messages.error(self, "Users", error.message)
            return False
        self.reload()
        self.users_changed.emit()
        return True

    def reset_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        dialog = ResetPasswordDialog(
            self._context, self._messages, self._actor, user.username, self, users=self._users
        )
        if dialog.ask():
            self.reload()
            self._messages.info(self, "Password reset", f"{user.username} has a new password.")

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.edit_button.setEnabled(user is not None)
        self.toggle_button.setEnabled(user is not None)
        self.reset_button.setEnabled(user is not None)
        disabled = user is not None and not user.active
        self.toggle_button.setText("&Enable" if disabled else "&Disable")
