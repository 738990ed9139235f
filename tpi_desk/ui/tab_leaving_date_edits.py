"""Date and date-time fields that Tab leaves at once.

Qt's date and time fields use Tab to step through their own sections (month, day, year,
hour, minute) before the next field: five presses to get past a session's date and time
(issue 14 counts each one). Here Tab and Shift+Tab go to the next or previous field; the
sections are still reached with the arrow keys, the mouse, or by typing their digits.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget


class TabLeavingDateTimeEdit(QDateTimeEdit):
    """A date-and-time field that Tab leaves."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class TabLeavingDateEdit(QDateEdit):
    """A date field that Tab leaves."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)
