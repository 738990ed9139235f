"""The real session editor hosted in the main window (issue 14): where the keyboard focus
lands, a divider that stays put, and what comes back after closing an unsaved session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSplitter
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    RecordingMessages,
    acting_as,
    activate,
    add_patient,
    add_physician,
    add_session,
    clinician,
)
from tests.services.conftest import PASSWORD
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.session_editor import SessionEditor

OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


def _window(qtbot: QtBot, context: AppContext, messages: RecordingMessages) -> MainWindow:
    window = MainWindow(context, messages, actor=clinician(context))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


def _new_session(qtbot: QtBot, window: MainWindow, patient_id: int) -> SessionEditor:
    assert window.open_patient(patient_id)
    window.new_session_action.trigger()  # Ctrl+N
    editor = window.pages.currentWidget()
    assert isinstance(editor, SessionEditor)
    return editor


@OFFSCREEN_POPUP
def test_ctrl_n_puts_the_cursor_in_the_first_field_of_the_new_session(
    qtbot: QtBot, context: AppContext
) -> None:
    """It stayed on the editor's container: every note started with a click."""
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = _window(qtbot, context, RecordingMessages())

    editor = _new_session(qtbot, window, zoe.id)

    # The window's focus (where typing goes once it is active) is the first field.
    qtbot.waitUntil(lambda: window.focusWidget() is editor.form.header.performed_at)


@OFFSCREEN_POPUP
def test_the_patient_list_divider_stays_put_when_the_save_status_changes(
    qtbot: QtBot, context: AppContext
) -> None:
    """It moved ~51 px whenever the autosave chip changed, so clicks landed beside fields."""
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = _window(qtbot, context, RecordingMessages())
    window.resize(1366, 768)
    editor = _new_session(qtbot, window, zoe.id)
    splitter = window.centralWidget()
    assert isinstance(splitter, QSplitter)
    qtbot.wait(50)
    before = splitter.sizes()

    for text in ("Draft · changes not saved yet", "Draft · saved 10:31", "New session"):
        editor.header.set_status(text)
        qtbot.wait(20)
        assert splitter.sizes() == before, text


@OFFSCREEN_POPUP
def test_a_closed_unsaveable_session_is_offered_not_restored_into_the_next_one(
    qtbot: QtBot, context: AppContext
) -> None:
    """Closing it and pressing Ctrl+N put the old text into the new session, with a banner
    saying TPI Desk had closed."""
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    messages = RecordingMessages(answer=True)  # "Close without saving?" -> Close
    window = _window(qtbot, context, messages)
    editor = _new_session(qtbot, window, zoe.id)
    editor.form.header.pain_before.setText("eleven")  # cannot be saved
    editor.request_close()
    assert window.pages.currentWidget() is not editor

    editor = _new_session(qtbot, window, zoe.id)

    assert editor.form.header.pain_before.text() == ""
    assert "closed without saving" not in editor.banner.text()
    assert "kept" in editor.banner.text()
    editor.banner.button.click()
    assert editor.form.header.pain_before.text() == "eleven"


@OFFSCREEN_POPUP
def test_ctrl_d_on_the_patient_starts_a_session_copied_forward(
    qtbot: QtBot, context: AppContext
) -> None:
    """A returning patient: one shortcut instead of Ctrl+N and then Copy forward."""
    physician = add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    earlier = add_session(context, zoe.id, physician.id, NOW - timedelta(days=20))
    context.signing.sign(
        earlier.id, earlier.version, physician.id, actor=acting_as(physician), password=PASSWORD
    )
    window = _window(qtbot, context, RecordingMessages())
    assert window.open_patient(zoe.id)
    assert window.copy_forward_action.shortcut().toString() == "Ctrl+D"

    window.copy_forward_action.trigger()

    editor = window.pages.currentWidget()
    assert isinstance(editor, SessionEditor)
    muscles = [site.muscle.muscle_id() for site in editor.form.sites.site_editors]
    assert muscles == ["upper_trapezius", "levator_scapulae"]
    assert editor.session_id is None  # a new session, not the signed one
    assert window.focusWidget() is editor.form.header.pain_before


@OFFSCREEN_POPUP
def test_tab_after_the_last_field_goes_on_to_the_patient_list(
    qtbot: QtBot, context: AppContext
) -> None:
    """With a chest-wall site, forward Tab looped through the sites and never reached the
    header, Sign or the patient list."""
    add_physician(context)
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    window = _window(qtbot, context, RecordingMessages())
    editor = _new_session(qtbot, window, zoe.id)
    for side in ("right", "left"):  # the upper trapezius lies over the lung apex
        site = editor.add_site("upper_trapezius", side)
        assert site is not None
        if not site.medication_rows:
            site.add_medication_button.click()
    editor.refresh_analysis()
    assert not editor.form.outcome.chest_wall_button.isHidden()
    qtbot.wait(200)  # the new cards show
    activate(qtbot, window)
    editor.form.outcome.follow_up.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.form.outcome.follow_up)

    reached = []
    for _ in range(10):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())

    assert window.search_pane.search_box in reached
    first_muscle = editor.form.sites.site_editors[0].muscle.line_edit
    assert first_muscle not in reached
