"""Tab leaves a date or date-time field at once (issue 14: the session's date and time took
five Tab presses, one per section, before the next field)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.window_support import give_focus
from tpi_desk.ui.export_choices import date_edit
from tpi_desk.ui.tab_leaving_date_edits import TabLeavingDateTimeEdit


def _form_with(qtbot: QtBot, field: QWidget) -> tuple[QWidget, QLineEdit, QLineEdit]:
    form = QWidget()
    before, after = QLineEdit(), QLineEdit()
    layout = QVBoxLayout(form)
    for widget in (before, field, after):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form, before, after


def test_one_tab_leaves_the_session_date_and_time_and_shift_tab_comes_back(
    qtbot: QtBot,
) -> None:
    field = TabLeavingDateTimeEdit()
    field.setDisplayFormat("MMM d, yyyy h:mm AP")
    _form, before, after = _form_with(qtbot, field)
    give_focus(qtbot, field)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: after.hasFocus())

    qtbot.keyClick(after, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: field.hasFocus())
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: before.hasFocus())


def test_one_tab_leaves_an_export_date(qtbot: QtBot) -> None:
    field = date_edit(date(2026, 12, 7), "From")
    _form, _before, after = _form_with(qtbot, field)
    give_focus(qtbot, field)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)

    qtbot.waitUntil(lambda: after.hasFocus())


def test_the_sections_are_still_edited_by_typing_and_arrows(qtbot: QtBot) -> None:
    field = date_edit(date(2026, 12, 7), "From")
    _form, _before, _after = _form_with(qtbot, field)
    give_focus(qtbot, field)
    field.setCurrentSection(field.Section.DaySection)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)

    assert field.date().toPython() == date(2026, 12, 8)
