"""A physician's notes waiting for their co-signature: list, open read-only, co-sign."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.dto import SessionSummary
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.cosign import CosignService
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.formatting import format_date_time
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.password_confirm import PasswordConfirmField, password_attempt

HEADERS = ("Date", "Patient", "Author", "Muscles")
SAMPLES = ("Nov 25, 2026  12:45 PM", "Raghunathan, Valentina", "Dr. Imogen Hartley", None)


class CosignColumn(IntEnum):
    DATE = 0
    PATIENT = 1
    AUTHOR = 2
    MUSCLES = 3


def cosign_service(context: AppContext) -> CosignService:
    """The co-sign service the window uses."""
    return context.cosign


def describe(summary: SessionSummary) -> str:
    """ "Ñúñez, Zoë (SYN-1001), Nov 20, 2026  9:30 AM, by Réka Varga"."""
    when = format_date_time(summary.performed_at)
    return f"{summary.patient_name} ({summary.mrn}), {when}, by {summary.provider_name}"


class CosignListModel(RowTableModel[SessionSummary]):
    """The waiting notes, oldest signature first (the service caps the list)."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(HEADERS, parent)
        self._catalog = catalog

    def set_notes(self, notes: list[SessionSummary]) -> None:
        self.replace_rows(notes)

    def note_at(self, row: int) -> SessionSummary:
        return self.row_at(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        note = self.row_for(index)
        if note is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        match CosignColumn(index.column()):
            case CosignColumn.DATE:
                return format_date_time(note.performed_at)
            case CosignColumn.PATIENT:
                return note.patient_name
            case CosignColumn.AUTHOR:
                return note.provider_name
            case CosignColumn.MUSCLES:
                return self.muscle_names(note)

    def muscle_names(self, note: SessionSummary) -> str:
        names = []
        for muscle_id in note.muscle_ids:
            muscle = self._catalog.muscles.get(muscle_id)
            names.append(muscle.name if muscle is not None else muscle_id)
        return ", ".join(names)


class CosignDialog(QDialog):
    """Asks the physician's password again, then co-signs the note."""

    def __init__(
        self,
        service: CosignService,
        messages: UserMessages,
        actor: Actor,
        note: SessionSummary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Co-sign note")
        self._service = service
        self._messages = messages
        self._actor = actor
        self.note = note
        self.cosigned = False
        intro = QLabel(
            f"Co-sign the note of {describe(note)}.<br>By co-signing you attest that you "
            "reviewed this note. Enter your password to confirm."
        )
        intro.setWordWrap(True)
        self.password_field = PasswordConfirmField("Your password")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Co-sign")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.password_field)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def ask(self) -> bool:
        self.exec()
        return self.cosigned

    def save(self) -> bool:
        """Co-sign; a wrong password (or the lockout it caused) shows under the field, other
        refusals in a message; either way the dialog stays open."""
        failures: list[str] = []
        attempt = password_attempt(
            lambda password: self._service.cosign(self.note.id, self._actor, password), failures
        )
        if not self.password_field.try_with(attempt):
            return False
        if failures:
            self._messages.error(self, "Co-sign note", failures[0])
            return False
        self.cosigned = True
        self.accept()
        return True


class CosignListWidget(QWidget):
    """The list with Open and Co-sign…; Open asks the main window to show the note."""

    open_requested = Signal(int, int)
    note_cosigned = Signal(int)
    pending_count_changed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        service: CosignService | None = None,
    ) -> None:
        super().__init__(parent)
        self._messages = messages
        self._actor = actor
        self._service = service or cosign_service(context)
        self.model = CosignListModel(context.catalog, self)
        self.title = QLabel("Waiting for my co-signature")
        self.title.setObjectName("pageTitle")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Notes waiting for my co-signature")
        configure_list_table(self.table, SAMPLES)
        self.empty_hint = QLabel("No notes are waiting for your co-signature.")
        self.empty_hint.setObjectName("emptyHint")
        self.open_button = QPushButton("&Open")
        self.cosign_button = QPushButton("&Co-sign…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_hint, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.cosign_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.open_button.clicked.connect(self.open_selected)
        self.cosign_button.clicked.connect(self.cosign_selected)
        self.table.activated.connect(self.open_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

    def reload(self) -> bool:
        """Fetch the waiting notes; False (after showing the refusal) when refused."""
        try:
            notes = self._service.pending_for(self._actor)
        except UserError as error:
            self.model.set_notes([])
            self._update_buttons()
            self._messages.error(self, "Co-signature", error.message)
            return False
        self.model.set_notes(notes)
        if notes:
            self.table.selectRow(0)
        self._update_buttons()
        self.pending_count_changed.emit(len(notes))
        return True

    def selected_note(self) -> SessionSummary | None:
        index = self.table.currentIndex()
        return self.model.note_at(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        note = self.selected_note()
        if note is not None:
            self.open_requested.emit(note.id, note.patient_id)

    def cosign_selected(self) -> None:
        note = self.selected_note()
        if note is None:
            return
        dialog = CosignDialog(self._service, self._messages, self._actor, note, self)
        if dialog.ask():
            self.note_cosigned.emit(note.id)
            self.reload()

    def _update_buttons(self) -> None:
        chosen = self.selected_note() is not None
        self.open_button.setEnabled(chosen)
        self.cosign_button.setEnabled(chosen)
        self.empty_hint.setVisible(self.model.rowCount() == 0)


class CosignListDialog(QDialog):
    """The co-signature list in a window of its own (the main window's menu opens it)."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Waiting for my co-signature")
        self.list = CosignListWidget(context, messages, actor, self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(close)
        self.resize(900, 420)

    def ask(self) -> None:
        if self.list.reload():
            self.exec()
