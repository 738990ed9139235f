"""Writing an addendum to a signed note: free text, signed (password again) and dated."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from tpi_desk.ui.form_dialog import FormDialog, ask_once
from tpi_desk.ui.password_confirm import PasswordConfirmField
from tpi_desk.ui.session_editor.form_widgets import muted_label

# Called with the text and the password: why it was refused, or None once added.
AddendumAttempt = Callable[[str, str], str | None]


class AddendumDialog(FormDialog):
    """A text box and "Add and sign"; the button is enabled once there is text."""

    def __init__(
        self,
        *,
        author_name: str,
        summary: str,
        attempt: AddendumAttempt,
        parent: QWidget | None = None,
    ) -> None:
        """``attempt(text, password)`` adds the addendum: the refusal, or None once added."""
        super().__init__(parent, title="Add addendum", accept_text=f"Add and sign as {author_name}")
        self._attempt = attempt
        self.password_field = PasswordConfirmField("Your password")
        self.setMinimumSize(520, 320)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setPlaceholderText("What is added or corrected, and why")
        self.add_button = self.accept_button
        self.add_button.setEnabled(False)
        self.add_button.setDefault(True)
        self.text_edit.textChanged.connect(self._update_button)
        title = QLabel(f"<b>{html.escape(summary).replace(chr(10), '<br>')}</b>")
        title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(
            muted_label("The signed note stays as it is; the addendum is dated and signed.")
        )
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.password_field)
        layout.addWidget(self.buttons)

    def _update_button(self) -> None:
        self.add_button.setEnabled(bool(self.text_edit.toPlainText().strip()))

    def submit(self) -> bool:
        """Add the addendum with the typed password; a refusal keeps the dialog open."""
        text = self.text()
        return bool(text) and self.password_field.try_with(
            lambda password: self._attempt(text, password)
        )

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        author_name: str,
        summary: str,
        attempt: AddendumAttempt,
    ) -> str | None:
        """The text of the addendum ``attempt`` added, or None when the user cancelled."""
        dialog = cls(author_name=author_name, summary=summary, attempt=attempt, parent=parent)
        return ask_once(dialog, lambda added: added.text() or None)
