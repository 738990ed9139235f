"""Dates typed or written as digits in a locale's order: ``03141968``, ``3/14/68`` and
``1968-03-14`` all read March 14, 1968 in the US order (the date-of-birth field, and the
patient import's date columns, which also read month names: ``14 Mar 1968``)."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

_SEPARATORS = re.compile(r"[/.\- ]+")
# A two-digit year is put in the century that makes the patient born before today.
_CENTURIES = (2000, 1900)


class DateOrder(StrEnum):
    MONTH_DAY_YEAR = "MDY"
    DAY_MONTH_YEAR = "DMY"
    YEAR_MONTH_DAY = "YMD"


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


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WORDS = re.compile(r"[A-Za-z]+|[0-9]+")
_TIME_PART = re.compile(r"[T ][0-9]{1,2}:[0-9]{2}.*$")


def read_written_date(text: str, order: DateOrder, today: date) -> date | None:
    """A date as a file writes it, in any common form (None when it is not one).

    Digits as ``read_date_of_birth`` reads them in ``order`` (``1968-03-14``, ``03/14/1968``,
    ``14.03.68``), a time after the date ignored (``1968-03-14T00:00:00``), or with the
    month's English name or its first three letters (``14 Mar 1968``, ``March 14, 1968``).
    """
    text = _TIME_PART.sub("", text.strip())
    words = _WORDS.findall(text)
    names = [word for word in words if word.isalpha()]
    if not names:
        return read_date_of_birth(text, order, today)
    month = _MONTHS.get(names[0].lower())
    numbers = [word for word in words if word.isdigit()]
    if len(names) != 1 or month is None or len(numbers) != 2:
        return None
    year_text = next((n for n in numbers if len(n) == 4), numbers[1])
    day_text = numbers[0] if year_text is numbers[1] else numbers[1]
    if len(day_text) > 2:
        return None
    return read_date_of_birth(f"{year_text}-{month}-{day_text}", DateOrder.YEAR_MONTH_DAY, today)


def guess_date_order(texts: list[str], today: date, preferred: DateOrder) -> DateOrder:
    """The order that reads the most of ``texts`` (a file's date column), ``preferred`` on
    a tie: a column holding ``25/12/1970`` is day-month-year."""
    orders = [preferred, *(order for order in DateOrder if order is not preferred)]
    return max(
        orders,
        key=lambda order: sum(read_written_date(t, order, today) is not None for t in texts),
    )
