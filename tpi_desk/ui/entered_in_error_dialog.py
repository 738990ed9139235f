"""Marking a signed note entered in error: a reason and the password; the note is kept."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.entered_in_error import REASON_PATH, EnteredInErrorService
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.form_dialog import FormDialog
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.password_confirm import PasswordConfirmField, password_refusal


def entered_in_error_service(context: AppContext) -> EnteredInErrorService:
    """The entered-in-error service the window uses."""
    return context.entered_in_error


class EnteredInErrorDialog(FormDialog):
    """Asks why the note is wrong and the user's password, then marks it entered in error."""

    marked_entered_in_error = Signal(int)

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        session_id: int,
        parent: QWidget | None = None,
        *,
        service: EnteredInErrorService | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Mark note entered in error",
            accept_text="Mark entered in error",
            minimum_width=480,
        )
        self._messages = messages
        self._actor = actor
        self._service = service or entered_in_error_service(context)
        self.session_id = session_id
        self.marked = False
        intro = QLabel(
            "The note stays in the record, marked <b>entered in error</b> with your reason, "
            "your name and the time. It is never deleted."
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("e.g. Documented for the wrong patient")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self.reason_error = error_label()
        self.password_field = PasswordConfirmField("Your password")
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason)
        self.reason.setAccessibleName("Reason")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.reason_error)
        layout.addSpacing(6)
        layout.addWidget(self.password_field)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def ask(self) -> bool:
        """Show the dialog; True when the note was marked."""
        return self.run(lambda: self.marked) is True

    def submit(self) -> bool:
        """Mark the note; a problem shows under its field (a wrong password, or the lockout it
        caused, under the password), other refusals in a message; the dialog stays open."""
        self.reason_error.hide()
        reason = self.reason.toPlainText()
        if not reason.strip():
            return self._show(self.reason_error, "A reason is required.")
        kept_open = False

        def attempt(password: str) -> str | None:
            nonlocal kept_open
            try:
                self._service.mark_entered_in_error(self.session_id, reason, self._actor, password)
            except ValidationFailed as error:
                kept_open = True
                return self._show_problems(error.problems)
            except UserError as error:
                refusal = password_refusal(error)
                if refusal is not None:
                    return refusal
                kept_open = True
                self._messages.error(self, "Mark note entered in error", error.message)
            return None

        if not self.password_field.try_with(attempt) or kept_open:
            return False
        self.marked = True
        self.marked_entered_in_error.emit(self.session_id)
        return True

    def _show_problems(self, problems: Sequence[FieldProblem]) -> str | None:
        """Reason problems under the reason; the others' text, for under the password."""
        for problem in problems:
            if problem.path == REASON_PATH:
                self._show(self.reason_error, f"{problem.label}: {problem.message}")
        others = [f"{p.label}: {p.message}" for p in problems if p.path != REASON_PATH]
        return " ".join(others) or None

    def _show(self, label: QLabel, text: str) -> bool:
        label.setText(text)
        label.show()
        return False
