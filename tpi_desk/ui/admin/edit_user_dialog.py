"""Change an account's name, role, credentials and NPI (the username stays)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.admin.account_form import AccountFields, FieldErrors
from tpi_desk.ui.form_dialog import FormDialog, StandardButton
from tpi_desk.ui.messages import UserMessages

NOTE = (
    "Signed notes keep the name and credentials they were signed with in their signature; "
    "new notes and printouts use these."
)


class EditUserDialog(FormDialog):
    """The account's values, editable; the service checks them and errors show under each."""

    def __init__(
        self,
        users: UserService,
        messages: UserMessages,
        actor: Actor,
        user: UserRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title=f"Change user {user.username}",
            accept_text="Save changes",
            accept_button=StandardButton.Save,
            minimum_width=460,
        )
        self._users = users
        self._messages = messages
        self._actor = actor
        self.user = user
        self.changed: UserRecord | None = None
        self.errors = FieldErrors()
        form = QFormLayout()
        self.fields = AccountFields.add_rows(form, self.errors)
        self.fields.fill(user)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        note.setObjectName("pageSubtitle")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.fields.display_name.setFocus()

    def ask(self) -> UserRecord | None:
        """Show the form; the account as saved, or None when cancelled."""
        return self.run(lambda: self.changed)

    def submit(self) -> bool:
        """Save; on problems show them under their fields and stay open."""
        self.errors.clear()
        self.clear_error()
        fields = self.fields
        try:
            self.changed = self._users.update_user(
                self._actor,
                self.user.username,
                display_name=fields.display_name.text(),
                role=fields.chosen_role(),
                credentials=fields.credentials.text(),
                npi=fields.npi.text(),
                acupuncture_certified=fields.acupuncture_certified.isChecked(),
            )
        except ValidationFailed as error:
            self.errors.show(error.problems, self.error_label)
            return False
        except UserError as error:
            self._messages.error(self, "Change user", error.message)
            return False
        return True
