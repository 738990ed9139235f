"""Marking a signed note entered in error: a reason and the password; the note is kept."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.entered_in_error import REASON_PATH, EnteredInErrorService
from tpi_desk.services.errors import UserError, ValidationFailed, WrongPassword
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

ERROR_STYLE = "color: #b3261e;"


def entered_in_error_service(context: AppContext) -> EnteredInErrorService:
    """The context's service when it has one, else one over the same database."""
    service = getattr(context, "entered_in_error", None)
    if isinstance(service, EnteredInErrorService):
        return service
    return EnteredInErrorService(context.database.session_factory, clock=context.clock)


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class EnteredInErrorDialog(QDialog):
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
        super().__init__(parent)
        self.setWindowTitle("Mark note entered in error")
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
        self.reason_error = _error_label()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = _error_label()
        form = QFormLayout()
        form.addRow("Reason", self.reason)
        form.addRow("", self.reason_error)
        form.addRow("Your password", self.password)
        form.addRow("", self.password_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Mark entered in error")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def ask(self) -> bool:
        """Show the dialog; True when the note was marked."""
        self.exec()
        return self.marked

    def save(self) -> bool:
        """Mark the note; problems show under their field, refusals in a message."""
        self.reason_error.hide()
        self.password_error.hide()
        if not self.reason.toPlainText().strip():
            return self._show(self.reason_error, "A reason is required.")
        try:
            self._service.mark_entered_in_error(
                self.session_id, self.reason.toPlainText(), self._actor, self.password.text()
            )
        except ValidationFailed as error:
            for problem in error.problems:
                target = self.reason_error if problem.path == REASON_PATH else self.password_error
                self._show(target, f"{problem.label}: {problem.message}")
            return False
        except WrongPassword as error:
            return self._show(self.password_error, error.message)
        except UserError as error:
            self._messages.error(self, "Mark note entered in error", error.message)
            return False
        self.marked = True
        self.marked_entered_in_error.emit(self.session_id)
        self.accept()
        return True

    def _show(self, label: QLabel, text: str) -> bool:
        label.setText(text)
        label.show()
        return False
