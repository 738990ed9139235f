"""A date of birth typed as digits in the locale's order: ``03141968``, ``3/14/68`` and
``1968-03-14`` all read March 14, 1968; letters are refused as they are typed."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from PySide6.QtCore import QDate, QLocale, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

# Digits and the separators people type between them; nothing else gets into the field.
TYPED_CHARACTERS = r"[0-9/.\- ]{0,10}"
_SEPARATORS = re.compile(r"[/.\- ]+")
# A two-digit year is put in the century that makes the patient born before today.
_CENTURIES = (2000, 1900)


class DateOrder(StrEnum):
    MONTH_DAY_YEAR = "MDY"
    DAY_MONTH_YEAR = "DMY"
    YEAR_MONTH_DAY = "YMD"


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


def read_date_of_birth(text: str, order: DateOrder, today: date) -> date | None:
    """The date ``text`` means in ``order`` (None when it is not one).

    Eight digits are a date with its century (``03141968``), six a two-digit year
    (``031468``); with separators the parts may be short (``3/14/68``) and a four-digit
    first part is always the year (``1968-03-14``). A two-digit year is the latest that is
    not after ``today``.
    """
    text = text.strip()
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) == 1:
        parts = _split_digits(parts[0], order)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    if len(parts[0]) == 4 or order is DateOrder.YEAR_MONTH_DAY:
        year_text, month_text, day_text = parts
    elif order is DateOrder.DAY_MONTH_YEAR:
        day_text, month_text, year_text = parts
    else:
        month_text, day_text, year_text = parts
    if len(year_text) not in (2, 4) or len(month_text) > 2 or len(day_text) > 2:
        return None
    month, day = int(month_text), int(day_text)
    if len(year_text) == 4:
        return _date_or_none(int(year_text), month, day)
    for century in _CENTURIES:
        born = _date_or_none(century + int(year_text), month, day)
        if born is not None and born <= today:
            return born
    return None


def _split_digits(digits: str, order: DateOrder) -> list[str]:
    if len(digits) not in (6, 8):
        return []
    year_length = len(digits) - 4
    if order is DateOrder.YEAR_MONTH_DAY:
        return [digits[:year_length], digits[year_length:-2], digits[-2:]]
    return [digits[:2], digits[2:4], digits[4:]]


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


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
