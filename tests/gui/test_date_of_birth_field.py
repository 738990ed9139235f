"""Date of birth typed as digits in the locale's order (issue 14): no Up key first, letters
refused, the format shown, a two-digit year in the century that makes it a birth date."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.gui.window_support import clinician, give_focus
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.date_of_birth_field import DateOrder, locale_date_order, read_date_of_birth
from tpi_desk.ui.patient_dialog import PatientDialog

TODAY = date(2026, 11, 25)
US = DateOrder.MONTH_DAY_YEAR


@pytest.mark.parametrize(
    "typed",
    ["03141968", "3/14/68", "1968-03-14", "03/14/1968", "031468", "3-14-1968", " 3.14.68 "],
)
def test_every_usual_way_of_typing_reads_the_same_date(typed: str) -> None:
    assert read_date_of_birth(typed, US, TODAY) == date(1968, 3, 14)


def test_a_two_digit_year_is_never_in_the_future() -> None:
    assert read_date_of_birth("11/24/26", US, TODAY) == date(2026, 11, 24)
    assert read_date_of_birth("11/26/26", US, TODAY) == date(1926, 11, 26)
    assert read_date_of_birth("010105", US, TODAY) == date(2005, 1, 1)
    assert read_date_of_birth("010199", US, TODAY) == date(1999, 1, 1)


@pytest.mark.parametrize("typed", ["", "0314196", "13/14/1968", "02/30/1990", "3/14/968", "1/2"])
def test_what_is_not_a_date_reads_as_none(typed: str) -> None:
    assert read_date_of_birth(typed, US, TODAY) is None


def test_day_first_and_year_first_locales_read_in_their_order() -> None:
    assert read_date_of_birth("14031968", DateOrder.DAY_MONTH_YEAR, TODAY) == date(1968, 3, 14)
    assert read_date_of_birth("14/3/68", DateOrder.DAY_MONTH_YEAR, TODAY) == date(1968, 3, 14)
    assert read_date_of_birth("19680314", DateOrder.YEAR_MONTH_DAY, TODAY) == date(1968, 3, 14)
    assert locale_date_order(QLocale("en_US")) is US
    assert locale_date_order(QLocale("en_GB")) is DateOrder.DAY_MONTH_YEAR
    assert locale_date_order(QLocale("ja_JP")) is DateOrder.YEAR_MONTH_DAY
    assert locale_date_order(QLocale.c()) is US


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext) -> PatientDialog:
    dialog = PatientDialog(context, actor=clinician(context))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_digits_typed_into_the_blank_field_are_taken_and_tab_moves_on(
    qtbot: QtBot, dialog: PatientDialog
) -> None:
    """Failed before: the blank date edit ignored digits until Up was pressed."""
    field = dialog.date_of_birth
    give_focus(qtbot, field)
    qtbot.keyClicks(field, "03141968")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert dialog.sex.hasFocus()
    assert field.text() == "03/14/1968"
    assert field.date().toPython() == date(1968, 3, 14)


def test_letters_are_refused_and_the_format_is_shown(qtbot: QtBot, dialog: PatientDialog) -> None:
    field = dialog.date_of_birth
    assert "MM/DD/YYYY" in field.placeholderText()
    field.setFocus()
    qtbot.keyClicks(field, "3a/1b4/6x8")
    assert field.text() == "3/14/68"


def test_a_patient_is_added_with_the_typed_date_and_a_bad_one_is_named(
    qtbot: QtBot, dialog: PatientDialog, context: AppContext
) -> None:
    dialog.mrn.setText("SYN-7001")
    dialog.family_name.setText("Quist")
    dialog.given_name.setText("Adela")
    dialog.date_of_birth.setText("02/30/1990")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.field_error("date_of_birth") == "Not a date: type it as MM/DD/YYYY"
    dialog.date_of_birth.setText("3/14/68")
    ok.click()
    assert dialog.saved is not None
    assert dialog.saved.facts.date_of_birth == date(1968, 3, 14)
