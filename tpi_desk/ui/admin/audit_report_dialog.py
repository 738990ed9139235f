"""The administrator's audit report: filter the trail, page through it lazily, export CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.audit.queries import AuditQueries
from tpi_desk.services.dto import AuditEntry, AuditPage
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.admin.users_dialog import user_service
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.formatting import format_date_time
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.tab_leaving_date_edits import TabLeavingDateEdit

PageFetcher = Callable[[int | None], AuditPage]
HEADERS = ("Time", "User", "Action", "Record", "Patient", "Detail")
SAMPLES = ("Nov 25, 2026  12:45 PM", "local operator (root)", "Password confirm failed",
           "Session #00000", "#000000", None)  # fmt: skip


class AuditColumn(IntEnum):
    TIME = 0
    USER = 1
    ACTION = 2
    RECORD = 3
    PATIENT = 4
    DETAIL = 5


def action_label(action: str) -> str:
    """``"password_reset"`` -> ``"Password reset"``."""
    return action.replace("_", " ").capitalize()


def audit_queries(context: AppContext) -> AuditQueries:
    """The audit report's queries the window uses."""
    return context.audit_log


@dataclass(frozen=True, slots=True)
class AuditChoice:
    """The report's filters as the services take them (None: any)."""

    user: str | None = None
    patient_id: int | None = None
    action: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


class AuditTableModel(RowTableModel[AuditEntry]):
    """Audit entries newest first, a page at a time as the view scrolls."""

    load_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(HEADERS, parent)
        self._fetch: PageFetcher | None = None
        self._cursor: int | None = None

    def start(self, fetch: PageFetcher) -> None:
        """Show the first page of ``fetch``; raises the service's UserError (model empty)."""
        self._fetch, self._cursor = None, None
        self.replace_rows([])
        page = fetch(None)
        self._fetch = fetch
        self._append(page)

    def entry_at(self, row: int) -> AuditEntry:
        return self.row_at(row)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._fetch is not None and self._cursor is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._fetch is None:
            return
        try:
            page = self._fetch(self._cursor)
        except UserError as error:
            self._cursor = None
            self.load_failed.emit(error.message)
            return
        self._append(page)

    def _append(self, page: AuditPage) -> None:
        self._cursor = page.next_cursor
        self.append_rows(page.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_for(index)
        if entry is None:
            return None
        column = AuditColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is AuditColumn.DETAIL and entry.detail:
            return entry.detail
        return None


def _cell(entry: AuditEntry, column: AuditColumn) -> str:
    match column:
        case AuditColumn.TIME:
            return format_date_time(entry.occurred_at)
        case AuditColumn.USER:
            return entry.username
        case AuditColumn.ACTION:
            return action_label(entry.action)
        case AuditColumn.RECORD:
            number = "" if entry.record_id is None else f" #{entry.record_id}"
            return f"{entry.record_type.capitalize()}{number}"
        case AuditColumn.PATIENT:
            return "" if entry.patient_id is None else f"#{entry.patient_id}"
        case AuditColumn.DETAIL:
            return entry.detail


class AuditReportDialog(QDialog):
    """Filters on top, the entries below; Show applies the filters, Export CSV writes them."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        queries: AuditQueries | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit report")
        self._context = context
        self._messages = messages
        self._actor = actor
        self._queries = queries or audit_queries(context)
        today = context.clock().date()
        self.user = QComboBox()
        self.user.setEditable(True)
        user_edit = self.user.lineEdit()
        if user_edit is not None:
            user_edit.setPlaceholderText("Any user")
        self.patient_search = QLineEdit()
        self.patient_search.setPlaceholderText("Name or MRN")
        self.find_patient_button = QPushButton("Find")
        self.patient = QComboBox()
        self.patient.addItem("Any patient", None)
        self.action = QComboBox()
        self.action.addItem("Any action", None)
        for action in AuditAction:
            self.action.addItem(action_label(action.value), action.value)
        self.use_from = QCheckBox("From")
        self.date_from = _date_edit(today - timedelta(days=30))
        self.use_to = QCheckBox("To")
        self.date_to = _date_edit(today)
        self.show_button = QPushButton("&Show")
        self.show_button.setDefault(True)
        self.export_button = QPushButton("&Export CSV…")
        self.close_button = QPushButton("Close")
        self.count_label = QLabel()
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Audit entries")
        configure_list_table(self.table, SAMPLES)
        self._lay_out()
        self._connect_signals()
        self._load_usernames()

    def _lay_out(self) -> None:
        filters = QGridLayout()
        filters.setHorizontalSpacing(10)
        filters.addWidget(QLabel("User"), 0, 0)
        filters.addWidget(self.user, 0, 1)
        filters.addWidget(QLabel("Action"), 0, 2)
        filters.addWidget(self.action, 0, 3)
        filters.addWidget(QLabel("Patient"), 1, 0)
        search = QHBoxLayout()
        search.addWidget(self.patient_search, 1)
        search.addWidget(self.find_patient_button)
        filters.addLayout(search, 1, 1)
        filters.addWidget(QLabel("Found"), 1, 2)
        filters.addWidget(self.patient, 1, 3)
        filters.addWidget(QLabel("Dates"), 2, 0)
        dates = QHBoxLayout()
        dates.setSpacing(6)
        for widget in (self.use_from, self.date_from):
            dates.addWidget(widget)
        dates.addSpacing(16)
        for widget in (self.use_to, self.date_to):
            dates.addWidget(widget)
        dates.addStretch(1)
        filters.addLayout(dates, 2, 1, 1, 3)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (self.show_button, self.export_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1100, 600)

    def _connect_signals(self) -> None:
        self.find_patient_button.clicked.connect(self.find_patients)
        self.patient_search.returnPressed.connect(self.find_patients)
        self.show_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_csv)
        self.close_button.clicked.connect(self.accept)
        self.model.load_failed.connect(self._load_failed)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)

    def ask(self) -> None:
        """Show the report (the first page is read when the dialog opens)."""
        if self.refresh():
            self.exec()

    def choice(self) -> AuditChoice:
        """The filters as chosen; the "to" day is included whole."""
        zone = self._context.clock().tzinfo
        start = self.date_from.date().toPython() if self.use_from.isChecked() else None
        end = self.date_to.date().toPython() if self.use_to.isChecked() else None
        user = self.user.currentText().strip()
        return AuditChoice(
            user=user or None,
            patient_id=self.patient.currentData(),
            action=self.action.currentData(),
            date_from=_midnight(start, zone) if isinstance(start, date) else None,
            date_to=_midnight(end + timedelta(days=1), zone) if isinstance(end, date) else None,
        )

    def refresh(self) -> bool:
        """Read the first page for the current filters; False (after saying why) if refused."""
        chosen = self.choice()

        def fetch(after: int | None) -> AuditPage:
            return self._queries.report(
                self._actor,
                user=chosen.user,
                patient_id=chosen.patient_id,
                action=chosen.action,
                date_from=chosen.date_from,
                date_to=chosen.date_to,
                after=after,
            )

        try:
            self.model.start(fetch)
        except UserError as error:
            self._messages.error(self, "Audit report", error.message)
            return False
        return True

    def find_patients(self) -> int:
        """Fill the patient list with the matches of the search text; returns their count."""
        text = self.patient_search.text().strip()
        try:
            found = self._context.patients.search(text, actor=self._actor) if text else []
        except UserError as error:
            self._messages.error(self, "Audit report", error.message)
            return 0
        self.patient.clear()
        self.patient.addItem("Any patient", None)
        for summary in found:
            label = f"{summary.family_name}, {summary.given_name} ({summary.mrn})"
            self.patient.addItem(label, summary.id)
        if found:
            self.patient.setCurrentIndex(1)
        return len(found)

    def ask_csv_path(self) -> Path | None:
        """Where to write the CSV file (None when cancelled)."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export audit report", "audit-report.csv", "CSV files (*.csv)"
        )
        return Path(chosen) if chosen else None

    def export_csv(self) -> int | None:
        """Write every entry matching the filters; returns the count (None: nothing written)."""
        path = self.ask_csv_path()
        if path is None:
            return None
        chosen = self.choice()
        try:
            count = self._queries.export_csv(
                path,
                self._actor,
                user=chosen.user,
                patient_id=chosen.patient_id,
                action=chosen.action,
                date_from=chosen.date_from,
                date_to=chosen.date_to,
            )
        except UserError as error:
            self._messages.error(self, "Export audit report", error.message)
            return None
        written = f"{count:,} entries written to {path.name}."
        self._messages.info(self, "Export audit report", written)
        return count

    def _load_usernames(self) -> None:
        """Offer the accounts' usernames (the field stays free text: the local operator too)."""
        try:
            users = user_service(self._context).list_users(self._actor)
        except UserError:
            return  # refused: the report itself will say so
        self.user.addItem("")
        for user in users:
            self.user.addItem(user.username)

    def _load_failed(self, message: str) -> None:
        self._messages.error(self, "Audit report", message)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        more = " (scroll for more)" if self.model.canFetchMore() else ""
        self.count_label.setText(f"{shown:,} entries shown{more}")


def _date_edit(day: date) -> QDateEdit:
    edit = TabLeavingDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MMM d, yyyy")
    return edit


def _midnight(day: date, zone: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)
