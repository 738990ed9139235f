"""Session lists (a patient's history, today's sessions): newest first, 200 rows per fetch."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, Side
from tpi_desk.services.dto import SessionCursor, SessionSummary
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.session_queries import SessionFilter, SessionQueries
from tpi_desk.ui.formatting import (
    PROCEDURE_NAMES,
    PROCEDURE_SHORT_NAMES,
    STATUS_NAMES,
    format_date,
    format_pain,
    format_time,
)

PAGE_SIZE = 200
SIDE_MARKS = {Side.LEFT: "L", Side.RIGHT: "R", Side.BILATERAL: "both", Side.MIDLINE: "midline"}

ModelIndex = QModelIndex | QPersistentModelIndex

# Colour only where a note needs attention: amber for an unsigned draft; signed is the norm.
STATUS_COLOURS = {
    NoteStatus.DRAFT: QColor("#9a5b00"),
    NoteStatus.ENTERED_IN_ERROR: QColor("#6b7280"),
}


class SessionColumn(Enum):
    """A column a session list can show; the value is its header."""

    DATE = "Date"
    TIME = "Time"
    PATIENT = "Patient"
    MRN = "MRN"
    PROVIDER = "Provider"
    PROCEDURE = "Procedure"
    MUSCLES = "Muscles"
    PAIN_BEFORE = "Pain before"
    PAIN_AFTER = "Pain after"
    STATUS = "Status"


_CENTRED = {SessionColumn.PAIN_BEFORE, SessionColumn.PAIN_AFTER}


class SessionListModel(QAbstractTableModel):
    """Sessions matching a filter, fetched a keyset page at a time; holds only fetched rows."""

    load_failed = Signal(str)

    def __init__(
        self,
        sessions: SessionQueries,
        catalog: Catalog,
        columns: Sequence[SessionColumn],
        *,
        actor: Actor | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        """``actor`` is the signed-in user the lists are read as."""
        super().__init__(parent)
        self._sessions = sessions
        self._actor = actor
        self._catalog = catalog
        self._columns = tuple(columns)
        self._page_size = page_size
        self._filter: SessionFilter | None = None
        self._rows: list[SessionSummary] = []
        self._cursor: SessionCursor | None = None

    # Loading

    def load(self, session_filter: SessionFilter) -> None:
        """Show the first page of sessions matching ``session_filter``."""
        self.beginResetModel()
        self._filter = session_filter
        self._rows = []
        self._cursor = None
        self._fetch_page(after=None)
        self.endResetModel()

    def reload(self) -> None:
        """Fetch the first page of the current filter again."""
        if self._filter is not None:
            self.load(self._filter)

    def clear(self) -> None:
        self.beginResetModel()
        self._filter = None
        self._rows = []
        self._cursor = None
        self.endResetModel()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._cursor is not None

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._cursor is None:
            return
        first = len(self._rows)
        page = self._query(after=self._cursor)
        if page is None:
            self._cursor = None
            return
        rows, self._cursor = page
        if rows:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def _fetch_page(self, after: SessionCursor | None) -> None:
        page = self._query(after=after)
        if page is not None:
            rows, self._cursor = page
            self._rows.extend(rows)

    def _query(
        self, after: SessionCursor | None
    ) -> tuple[tuple[SessionSummary, ...], SessionCursor | None] | None:
        if self._filter is None:
            return None
        try:
            page = self._sessions.page(
                self._filter, after=after, limit=self._page_size, actor=self._actor
            )
        except UserError as error:
            self.load_failed.emit(error.message)
            return None
        return page.rows, page.next_cursor

    # Access

    def summary_at(self, row: int) -> SessionSummary:
        return self._rows[row]

    def summaries(self) -> tuple[SessionSummary, ...]:
        """The rows fetched so far, newest first."""
        return tuple(self._rows)

    def muscle_names(self, summary: SessionSummary) -> str:
        """Each muscle with its sides, in the note's order: "Upper trapezius (R, L)"."""
        sides: dict[str, list[str]] = {muscle_id: [] for muscle_id in summary.muscle_ids}
        for muscle_id, side in summary.sites:
            marks = sides.setdefault(muscle_id, [])
            if SIDE_MARKS[side] not in marks:
                marks.append(SIDE_MARKS[side])
        names = []
        for muscle_id, marks in sides.items():
            muscle = self._catalog.muscles.get(muscle_id)
            name = muscle.name if muscle is not None else muscle_id
            names.append(f"{name} ({', '.join(marks)})" if marks else name)
        return ", ".join(names)

    # QAbstractTableModel

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _CENTRED:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        summary = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _CENTRED:
                return Qt.AlignmentFlag.AlignCenter
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column is SessionColumn.STATUS:
            return STATUS_COLOURS.get(summary.status)
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def _display(self, summary: SessionSummary, column: SessionColumn) -> str:
        match column:
            case SessionColumn.DATE:
                return format_date(summary.performed_at.astimezone().date())
            case SessionColumn.TIME:
                return format_time(summary.performed_at)
            case SessionColumn.PATIENT:
                return summary.patient_name
            case SessionColumn.MRN:
                return summary.mrn
            case SessionColumn.PROVIDER:
                return summary.provider_name
            case SessionColumn.PROCEDURE:
                return PROCEDURE_SHORT_NAMES[summary.kind]
            case SessionColumn.MUSCLES:
                return self.muscle_names(summary)
            case SessionColumn.PAIN_BEFORE:
                return format_pain(summary.pain_before)
            case SessionColumn.PAIN_AFTER:
                return format_pain(summary.pain_after)
            case SessionColumn.STATUS:
                return STATUS_NAMES[summary.status]

    def _tooltip(self, summary: SessionSummary, column: SessionColumn) -> str:
        if column is SessionColumn.PROCEDURE:
            return PROCEDURE_NAMES[summary.kind]
        return self._display(summary, column)
