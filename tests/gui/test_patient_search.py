"""Search as you type in the patient pane, and getting around it from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, add_patient, show_window
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.patient_search import PatientSearchPane


@pytest.fixture
def context(context: AppContext) -> AppContext:
    """The window context with four patients whose names need accent-insensitive search."""
    add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    add_patient(context, "SYN-1002", "Nguyễn", "Thảo")
    add_patient(context, "SYN-1003", "Ødegård", "Ingrid")
    add_patient(context, "SYN-2004", "Wiśniewski", "Łukasz")
    return context


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    return show_window(qtbot, context, RecordingMessages())


def names(pane: PatientSearchPane) -> list[str]:
    return [pane.model.patient_at(row).display_name for row in range(pane.model.rowCount())]


def test_search_as_you_type_ignores_accents_and_case(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    assert len(names(pane)) == 4

    pane.search_box.setText("zoe nun")

    qtbot.waitUntil(lambda: names(pane) == ["Ñúñez, Zoë"], timeout=2000)
    assert pane.footer.text() == "1 patient matches “zoe nun”"
    assert pane.current_patient_id() == pane.model.patient_at(0).id


def test_search_matches_the_mrn_and_special_letters(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    pane.search_box.setText("2004")
    qtbot.waitUntil(lambda: names(pane) == ["Wiśniewski, Łukasz"], timeout=2000)
    pane.search_box.setText("odegard")
    qtbot.waitUntil(lambda: names(pane) == ["Ødegård, Ingrid"], timeout=2000)


def test_typing_waits_briefly_then_searches_once(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    resets: list[str] = []
    pane.model.modelReset.connect(lambda: resets.append(pane.model.search_text()))

    for text in ("n", "ng", "ngu"):
        pane.search_box.setText(text)

    assert resets == []
    qtbot.waitUntil(lambda: resets == ["ngu"], timeout=2000)
    assert names(pane) == ["Nguyễn, Thảo"]


def test_no_match_says_so(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    pane.search_box.setText("zzz")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=2000)
    assert pane.footer.text() == "No patient matches “zzz”."


def test_keyboard_find_clear_move_down_and_open(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    window.patient_page.setFocus()

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.search_box.hasFocus()

    qtbot.keyClicks(pane.search_box, "ngu")
    qtbot.keyClick(pane.search_box, Qt.Key.Key_Escape)
    assert pane.search_box.text() == ""
    assert len(names(pane)) == 4

    qtbot.keyClicks(pane.search_box, "syn-100")
    qtbot.keyClick(pane.search_box, Qt.Key.Key_Down)  # runs the pending search at once
    assert pane.table.hasFocus()
    assert len(names(pane)) == 3
    qtbot.keyClick(pane.table, Qt.Key.Key_Down)
    second = pane.model.patient_at(1)
    assert pane.current_patient_id() == second.id

    qtbot.keyClick(pane.table, Qt.Key.Key_Return)

    assert window.pages.currentWidget() is window.patient_page
    assert window.patient_page.patient_id() == second.id


def test_enter_in_the_search_box_opens_the_first_match(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    pane.search_box.setFocus()
    qtbot.keyClicks(pane.search_box, "lukasz")
    qtbot.keyClick(pane.search_box, Qt.Key.Key_Return)

    assert window.pages.currentWidget() is window.patient_page
    assert window.patient_page.banner.name.text() == "Wiśniewski, Łukasz"


def test_a_click_opens_the_patient(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.search_pane
    rect = pane.table.visualRect(pane.model.index(2, 0))
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.patient_page.patient_id() == pane.model.patient_at(2).id
