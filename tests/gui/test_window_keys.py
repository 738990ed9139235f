"""The main window's keys around a session (issue 14): Ctrl+N on a highlighted patient, or a
word on what to do; after signing the cursor stays on the signed note and Ctrl+P previews it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import DialogAnswerer, record_two_site_session
from tests.gui.window_support import (
    RecordingMessages,
    activate,
    add_patient,
    give_focus,
    show_window,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import build_session_editor
from tpi_desk.ui.main_window import NO_PATIENT_FOR_SESSION, MainWindow
from tpi_desk.ui.note_preview import NotePreviewDialog
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = show_window(qtbot, context, RecordingMessages(), build_session_editor)
    activate(qtbot, window)
    return window


def _ctrl(qtbot: QtBot, key: Qt.Key) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, Qt.KeyboardModifier.ControlModifier)


def _editor(window: MainWindow) -> SessionEditor:
    editor = window.findChild(SessionEditor)
    assert isinstance(editor, SessionEditor) and editor.isVisible()
    return editor


def test_ctrl_n_starts_a_session_for_the_patient_highlighted_in_the_list(
    qtbot: QtBot, context: AppContext
) -> None:
    """Failed before: Ctrl+N did nothing until the patient's page was opened."""
    patient = add_patient(context)
    window = _window(qtbot, context)
    search = window.search_pane.search_box
    window.search_pane.focus_search()
    qtbot.keyClicks(search, patient.facts.mrn)
    assert window.pages.currentWidget() is window.recent_page

    _ctrl(qtbot, Qt.Key.Key_N)

    editor = _editor(window)
    assert editor.session_id is None and editor.may_author()
    assert window.patient_page.patient_id() == patient.id
    assert editor.header.isVisible()


def test_ctrl_n_with_no_patient_says_what_to_do(qtbot: QtBot, context: AppContext) -> None:
    """Failed before: nothing happened and nothing was said."""
    window = _window(qtbot, context)
    window.search_pane.focus_search()
    qtbot.keyClicks(window.search_pane.search_box, "nobody by that name")

    _ctrl(qtbot, Qt.Key.Key_N)

    assert window.findChild(SessionEditor) is None or not _any_editor_shown(window)
    assert window.statusBar().currentMessage() == NO_PATIENT_FOR_SESSION


def _any_editor_shown(window: MainWindow) -> bool:
    editor = window.findChild(SessionEditor)
    return editor is not None and editor.isVisible()


def test_after_signing_the_cursor_stays_on_the_note_and_ctrl_p_previews_it(
    qtbot: QtBot, context: AppContext
) -> None:
    """Failed before: the cursor went to the search box, where Ctrl+P does nothing."""
    patient = add_patient(context)
    window = _window(qtbot, context)
    window.search_pane.refresh()
    assert window.open_patient(patient.id)
    window.new_session()
    editor = _editor(window)
    record_two_site_session(editor)
    give_focus(qtbot, editor.form.header.pain_after)

    def sign(dialog: QDialog) -> None:
        assert isinstance(dialog, SignDialog)
        dialog.password_field.password.setText(PASSWORD)
        dialog.sign_button.click()

    answerer = DialogAnswerer(SignDialog, sign)
    _ctrl(qtbot, Qt.Key.Key_Return)
    assert answerer.handled
    assert editor.session_id is not None
    signed_id = editor.session_id
    record = context.sessions.load(signed_id, actor=window.actor)
    assert record.status is NoteStatus.SIGNED
    # The window's own focus child: where the cursor is once the dialog has gone.
    focused = window.focusWidget()
    assert focused is not None and editor.isAncestorOf(focused), focused

    window.activateWindow()  # offscreen hands the activation back late
    qtbot.waitUntil(lambda: QApplication.focusWidget() is focused, timeout=2000)
    qtbot.keyClick(focused, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    previews = [d for d in window.findChildren(NotePreviewDialog) if d.isVisible()]
    assert [d.note.session_id for d in previews] == [signed_id]
    previews[0].close()
