"""The patient list: search results fetched 200 at a time, holding only what was fetched."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from tpi_desk.services.dto import PatientSummary
from tpi_desk.services.errors import UserError
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.formatting import format_date

PAGE_SIZE = 200
HEADERS = ("Name", "Date of birth", "MRN")
NAME_COLUMN, BIRTH_COLUMN, MRN_COLUMN = range(3)

ModelIndex = QModelIndex | QPersistentModelIndex


class PatientListModel(QAbstractTableModel):
    """Patients matching the search text, in the service's order, one page at a time.

    ``PatientService.search`` takes a limit but no cursor, so a further page asks for the
    rows fetched so far plus one page and keeps the new tail (ids already held are skipped).
    """

    load_failed = Signal(str)

    def __init__(
        self,
        patients: PatientService,
        *,
        actor: Actor | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        """``actor`` is the signed-in user the searches are made as."""
        super().__init__(parent)
        self._patients = patients
        self._actor = actor
        self._page_size = page_size
        self._text = ""
        self._rows: list[PatientSummary] = []
        self._ids: set[int] = set()
        self._more = False

    # Loading

    def search(self, text: str) -> None:
        """Show the first page of patients whose name or MRN matches ``text``."""
        self.beginResetModel()
        self._text = text
        self._rows = []
        self._ids = set()
        self._more = False
        self._append(self._fetch_after(0))
        self.endResetModel()

    def refresh(self) -> None:
        """Fetch the first page of the current search again (after a change elsewhere)."""
        self.search(self._text)

    def search_text(self) -> str:
        return self._text

    def has_more(self) -> bool:
        return self._more

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = [row for row in self._fetch_after(len(self._rows)) if row.id not in self._ids]
        if not page:
            self._more = False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._append(page)
        self.endInsertRows()

    def _fetch_after(self, held: int) -> list[PatientSummary]:
        try:
            found = self._patients.search(
                self._text, limit=held + self._page_size + 1, actor=self._actor
            )
        except UserError as error:
            self._more = False
            self.load_failed.emit(error.message)
            return []
        page = found[held:]
        self._more = len(page) > self._page_size
        return page[: self._page_size]

    def _append(self, page: list[PatientSummary]) -> None:
        self._rows.extend(page)
        self._ids.update(row.id for row in page)

    # Access

    def patient_at(self, row: int) -> PatientSummary:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        """The row of ``patient_id`` among the rows fetched so far."""
        for row, patient in enumerate(self._rows):
            if patient.id == patient_id:
                return row
        return None

    # QAbstractTableModel

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        patient = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _display(patient, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return patient.id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


def _display(patient: PatientSummary, column: int) -> str | None:
    if column == NAME_COLUMN:
        return patient.display_name
    if column == BIRTH_COLUMN:
        return format_date(patient.date_of_birth)
    if column == MRN_COLUMN:
        return patient.mrn
    return None
