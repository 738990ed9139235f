"""Where Tab goes in the main window (issue 14): from the session's last field on to Save
draft and Sign, then out to the patient list; and out of the patient list's table rather
than round its cells."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    add_patient,
    add_physician,
    clinician,
    give_focus,
    users_of,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.session_editor import SessionEditor


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(
        context, RecordingMessages(), actor=clinician(context), users=users_of(context)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _tab(qtbot: QtBot, *, back: bool = False) -> QWidget | None:
    """Press Tab (Shift+Tab with ``back``) where the cursor is; where it goes."""
    target = QApplication.focusWidget()
    assert target is not None
    if back:
        qtbot.keyClick(target, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    else:
        qtbot.keyClick(target, Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def test_tab_from_the_last_field_reaches_save_and_sign_then_the_patient_list(
    qtbot: QtBot, context: AppContext
) -> None:
    """Tab from Follow-up went straight to the patient search: Sign was out of reach."""
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = _window(qtbot, context)
    assert window.open_patient(zoe.id)
    window.new_session_action.trigger()
    editor = window.findChild(SessionEditor)
    assert editor is not None
    header = editor.header
    give_focus(qtbot, editor.form.outcome.follow_up)

    assert _tab(qtbot) is header.save_button
    assert _tab(qtbot) is header.sign_button
    assert _tab(qtbot) is window.search_pane.search_box
    assert _tab(qtbot, back=True) is header.sign_button
    assert _tab(qtbot, back=True) is header.save_button
    assert _tab(qtbot, back=True) is editor.form.outcome.follow_up


def test_tab_from_a_site_added_later_still_ends_at_sign(qtbot: QtBot, context: AppContext) -> None:
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = _window(qtbot, context)
    assert window.open_patient(zoe.id)
    window.new_session_action.trigger()
    editor = window.findChild(SessionEditor)
    assert editor is not None
    assert editor.add_site("levator_scapulae", "left") is not None
    editor.refresh_analysis()
    give_focus(qtbot, editor.form.outcome.follow_up)

    assert _tab(qtbot) is editor.header.save_button
    assert _tab(qtbot) is editor.header.sign_button


def test_tab_leaves_the_patient_table_for_the_next_control(
    qtbot: QtBot, context: AppContext
) -> None:
    """The table's own Tab walked its cells (and wrapped): the keyboard never got out."""
    for number in range(3):
        add_patient(context, f"SYN-100{number}", "Ñúñez", f"Zoë {number}")
    window = _window(qtbot, context)
    pane = window.search_pane
    give_focus(qtbot, pane.table)
    pane.table.setCurrentIndex(pane.table.model().index(0, 0))

    after = _tab(qtbot)
    assert after is not pane.table
    assert pane.table.currentIndex().row() == 0  # Tab moved the cursor, not the row
    give_focus(qtbot, pane.table)
    assert _tab(qtbot, back=True) is pane.search_box
    # Arrows still move between the rows.
    give_focus(qtbot, pane.table)
    qtbot.keyClick(pane.table, Qt.Key.Key_Down)
    assert pane.table.currentIndex().row() == 1
