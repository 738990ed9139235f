"""The start page: today's sessions across all patients, newest first."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.formatting import format_date
from tpi_desk.ui.item_models.session_list_model import SessionColumn, SessionListModel
from tpi_desk.ui.list_views import configure_list_table

TODAY_COLUMNS = (
    SessionColumn.TIME,
    SessionColumn.PATIENT,
    SessionColumn.MRN,
    SessionColumn.PROVIDER,
    SessionColumn.PROCEDURE,
    SessionColumn.MUSCLES,
    SessionColumn.STATUS,
)
# Column widths by sample text; the muscles column takes the rest.
TODAY_SAMPLES = {
    SessionColumn.TIME: "12:45 PM",
    SessionColumn.PATIENT: "Raghunathan, Valentina",
    SessionColumn.MRN: "SYN-000000",
    SessionColumn.PROVIDER: "Dr. Imogen Hartley",
    SessionColumn.PROCEDURE: "Dry needling",
    SessionColumn.STATUS: "Entered in error",
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_midnight(now: datetime) -> datetime:
    """The start of ``now``'s day in its own time zone."""
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


class RecentSessionsPage(QWidget):
    """Today's sessions for every patient; activating one asks to open it."""

    session_activated = Signal(int, int)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, actor: Actor | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.model = SessionListModel(
            context.sessions, context.catalog, TODAY_COLUMNS, actor=actor, parent=self
        )
        self.title = QLabel("Today")
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Today's sessions")
        configure_list_table(self.table, [TODAY_SAMPLES.get(c) for c in TODAY_COLUMNS])
        self.empty_hint = QLabel(
            "No sessions recorded today yet.<br>Find a patient on the left (<b>Ctrl+F</b>), "
            "open them, then press <b>Ctrl+N</b> to start a session."
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(10)
        layout.addWidget(self.summary)
        layout.addSpacing(2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_hint, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.table.activated.connect(self._row_activated)
        self.model.modelReset.connect(self._rows_changed)
        self.model.rowsInserted.connect(self._rows_changed)

    def refresh(self) -> None:
        """Fetch the first page of today's sessions (from local midnight)."""
        now = self._context.clock()
        today = now.date()
        self.subtitle.setText(
            f"{_WEEKDAYS[today.weekday()]}, {format_date(today)} — sessions across all "
            "patients. Press Enter or double-click to open one."
        )
        self.model.load(SessionFilter(performed_from=local_midnight(now)))

    def _rows_changed(self) -> None:
        summaries = self.model.summaries()
        more = "+" if self.model.canFetchMore() else ""
        drafts = sum(1 for s in summaries if s.status is NoteStatus.DRAFT)
        text = f"{len(summaries):,}{more} {'session' if len(summaries) == 1 else 'sessions'}"
        if drafts:
            text += f"   ·   {drafts:,}{more} unsigned {'draft' if drafts == 1 else 'drafts'}"
        self.summary.setText(text)
        self.summary.setVisible(bool(summaries))
        self.table.setVisible(bool(summaries))
        self.empty_hint.setVisible(not summaries)

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            summary = self.model.summary_at(index.row())
            self.session_activated.emit(summary.id, summary.patient_id)
