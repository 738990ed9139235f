"""First start: create the clinic's administrator account (username, name, password twice)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.form_dialog import FormDialog, ask_once
from tpi_desk.ui.theme import PAGE_STYLE

DIALOG_WIDTH = 500
INTRO = (
    "TPI Desk keeps legal records, so everyone signs in. Create the administrator account "
    "first: the administrator adds the clinicians and billing staff and manages the clinic "
    "settings. Clinicians added with demo data or by an import have no password until the "
    "administrator sets one."
)
# Where a service problem's path points: the field it belongs under.
FIELD_OF_PATH = {
    "user.username": "username",
    "provider.username": "username",
    "user.display_name": "display_name",
    "provider.display_name": "display_name",
    "user.password": "password",
}
FIELD_WORDS = {
    "username": "The username",
    "display_name": "The display name",
    "password": "The password",
}


class FirstAdminCreator(Protocol):
    """What the dialog asks (``UserService`` answers; at start-up, ``PendingUsers``)."""

    def create_first_admin(self, username: str, display_name: str, password: str) -> UserRecord: ...


class FirstAdminDialog(FormDialog):
    """Each field's problem is shown under it, in plain words; ``created`` once it worked."""

    def __init__(self, users: FirstAdminCreator, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            title="Create the administrator account",
            accept_text="Create account",
            minimum_width=DIALOG_WIDTH,
        )
        self._users = users
        self.created: UserRecord | None = None
        title = QLabel("Create the administrator account")
        title.setObjectName("pageTitle")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("pageSubtitle")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for box in (self.password, self.password_again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors = {name: error_label() for name in (*FIELD_OF_PATH.values(), "again")}
        form = QFormLayout()
        for label, box, name in (
            ("Username:", self.username, "username"),
            ("Display name:", self.display_name, "display_name"),
            ("Password:", self.password, "password"),
            ("Password again:", self.password_again, "again"),
        ):
            box.setAccessibleName(label.rstrip(":"))
            form.addRow(label, box)
            form.addRow("", self.errors[name])
        self.create_button = self.accept_button
        self.create_button.setDefault(True)
        self.title = title
        admin_page = QWidget()
        admin_layout = QVBoxLayout(admin_page)
        admin_layout.setContentsMargins(0, 0, 0, 0)
        admin_layout.addWidget(intro)
        admin_layout.addSpacing(6)
        admin_layout.addLayout(form)
        admin_layout.addStretch(1)
        # The wizard (``FirstStartWizard``) adds its later pages here.
        self.pages = QStackedWidget()
        self.pages.addWidget(admin_page)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.pages)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setStyleSheet(PAGE_STYLE)

    def submit(self) -> bool:
        """Create the account; on refusal show each problem under its field."""
        for label in (*self.errors.values(), self.error_label):
            label.hide()
        found: dict[str, str] = {}
        if not self.username.text().strip():
            found["username"] = "Enter a username (letters and digits, e.g. jsmith)."
        if not self.display_name.text().strip():
            found["display_name"] = "Enter the name shown on notes, e.g. Jo Smith."
        if self.password.text() != self.password_again.text():
            found["again"] = "The two passwords are not the same."
        if not found:
            try:
                self.created = self._users.create_first_admin(
                    self.username.text(), self.display_name.text(), self.password.text()
                )
            except ValidationFailed as error:
                for problem in error.problems:
                    name = FIELD_OF_PATH.get(problem.path)
                    if name is None:
                        self.refuse(f"{problem.label}: {problem.message}")
                    elif name not in found:
                        found[name] = f"{FIELD_WORDS[name]} {problem.message.rstrip('.')}."

            except UserError as error:
                self.refuse(error.message)
                return False
        for name, message in found.items():
            self.errors[name].setText(message)
            self.errors[name].show()
        return self.created is not None

    @classmethod
    def ask(cls, users: FirstAdminCreator, parent: QWidget | None = None) -> UserRecord | None:
        """The administrator account created, or None when the user cancelled."""
        return ask_once(cls(users, parent), lambda dialog: dialog.created)
