"""A date of birth typed as digits in the locale's order: ``03141968``, ``3/14/68`` and
``1968-03-14`` all read March 14, 1968; letters are refused as they are typed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from tpi_desk.clinical.date_reading import DateOrder, read_date_of_birth

__all__ = ["DateOfBirthField", "DateOrder", "locale_date_order", "read_date_of_birth"]

# Digits and the separators people type between them; nothing else gets into the field.
TYPED_CHARACTERS = r"[0-9/.\- ]{0,10}"

DISPLAY_FORMATS = {
    DateOrder.MONTH_DAY_YEAR: ("MM/dd/yyyy", "MM/DD/YYYY"),
    DateOrder.DAY_MONTH_YEAR: ("dd/MM/yyyy", "DD/MM/YYYY"),
    DateOrder.YEAR_MONTH_DAY: ("yyyy-MM-dd", "YYYY-MM-DD"),
}


def locale_date_order(locale: QLocale) -> DateOrder:
    """The order ``locale`` writes a short date in; the C locale (no country set) reads
    dates the US way, as TPI Desk always did."""
    if locale.language() == QLocale.Language.C:
        return DateOrder.MONTH_DAY_YEAR
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    positions = {part: pattern.find(part) for part in "dMy"}
    if min(positions.values()) < 0:
        return DateOrder.MONTH_DAY_YEAR
    if positions["y"] < positions["M"] < positions["d"]:
        return DateOrder.YEAR_MONTH_DAY
    if positions["d"] < positions["M"]:
        return DateOrder.DAY_MONTH_YEAR
    return DateOrder.MONTH_DAY_YEAR


class DateOfBirthField(QLineEdit):
    """Takes the digits as typed, shows the format, and writes the date out in full once
    the cursor leaves (so a two-digit year shows the century it was read in)."""

    def __init__(
        self, today: date, order: DateOrder | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.order = order or locale_date_order(QLocale())
        self._today = today
        self._display, shown = DISPLAY_FORMATS[self.order]
        self.setPlaceholderText(f"{shown}, digits only is fine")
        self.setToolTip(f"Type the digits as {shown}; 2-digit years and separators work too")
        self.setValidator(QRegularExpressionValidator(QRegularExpression(TYPED_CHARACTERS), self))
        self.setAccessibleName(f"Date of birth ({shown})")
        self.editingFinished.connect(self._write_out)

    def born(self) -> date | None:
        """The date typed, or None (blank or not a date)."""
        return read_date_of_birth(self.text(), self.order, self._today)

    def is_blank(self) -> bool:
        return not self.text().strip()

    def date(self) -> QDate:
        """The date typed as a QDate (an invalid QDate when there is none)."""
        born = self.born()
        return QDate() if born is None else QDate(born.year, born.month, born.day)

    def setDate(self, value: QDate) -> None:
        """Show ``value`` (blank when invalid); named like the QDateEdit it replaced."""
        self.setText(value.toString(self._display) if value.isValid() else "")

    def shown_format(self) -> str:
        return DISPLAY_FORMATS[self.order][1]

    def _write_out(self) -> None:
        born = self.born()
        if born is not None:
            self.setDate(QDate(born.year, born.month, born.day))
