"""Table models of the live panel: the claim lines and the dose totals of the session."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import CodeLine
from tpi_desk.clinical.dosing import DrugTotal, format_number
from tpi_desk.ui.session_editor.style import AMBER, RED

ModelIndex = QModelIndex | QPersistentModelIndex
NEAR_MAXIMUM = Decimal("0.8")

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class CodesTableModel(QAbstractTableModel):
    """CPT and HCPCS lines: code, what it is, units."""

    HEADERS = ("Code", "Description", "Units")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: tuple[CodeLine, ...] = ()

    def set_lines(self, lines: Sequence[CodeLine]) -> None:
        if tuple(lines) == self._lines:
            return
        self.beginResetModel()
        self._lines = tuple(lines)
        self.endResetModel()

    def lines(self) -> tuple[CodeLine, ...]:
        return self._lines

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section == 2 else _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return " ".join((line.code, *line.modifiers))
            if column == 1:
                return line.descriptor
            if column == 2:
                return str(line.units)
        if role == Qt.ItemDataRole.ToolTipRole:
            dose = f" ({format_number(line.dose_mg)} mg)" if line.dose_mg is not None else ""
            return f"{line.code_system} {line.code}: {line.descriptor}{dose}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == 2 else _LEFT
        return None


class DoseTotalsModel(QAbstractTableModel):
    """Each drug's total for the session: mg (with mg/kg when the weight is known) and the
    share of its maximum."""

    HEADERS = ("Drug", "Total", "Of max")

    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._totals: tuple[DrugTotal, ...] = ()
        self._two_lines = False

    def set_two_lines(self, two_lines: bool) -> None:
        """Put mg/kg under the mg (narrow panels) instead of beside it."""
        if two_lines != self._two_lines:
            self._two_lines = two_lines
            if self._totals:
                last = len(self._totals) - 1
                self.dataChanged.emit(self.index(0, 1), self.index(last, 1))

    def set_totals(self, totals: Sequence[DrugTotal]) -> None:
        known = tuple(t for t in totals if t.drug_id in self._catalog.drugs)
        if known == self._totals:
            return
        self.beginResetModel()
        self._totals = known
        self.endResetModel()

    def totals(self) -> tuple[DrugTotal, ...]:
        return self._totals

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._totals)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section > 0 else _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._totals):
            return None
        total = self._totals[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(total, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column == 0 else _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            fraction = total.fraction_of_max
            if fraction is not None and fraction > 1:
                return QColor(RED)
            if fraction is not None and fraction >= NEAR_MAXIMUM:
                return QColor(AMBER)
        if role == Qt.ItemDataRole.ToolTipRole:
            if total.max_mg is None:
                return "No session maximum in the catalog"
            return f"Session maximum {format_number(total.max_mg)} mg"
        return None

    def _text(self, total: DrugTotal, column: int) -> str:
        if column == 0:
            return self._catalog.drugs[total.drug_id].name
        if column == 1:
            amount = f"{format_number(total.total_mg)} mg"
            if total.mg_per_kg is None:
                return amount
            separator = "\n" if self._two_lines else " · "
            return f"{amount}{separator}{format_number(total.mg_per_kg)} mg/kg"
        if total.fraction_of_max is None:
            return "–"
        return format_percent(total.fraction_of_max)


def format_percent(fraction: Decimal) -> str:
    """A share as a whole percentage, e.g. 1.1667 -> "117 %"."""
    return f"{(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"
