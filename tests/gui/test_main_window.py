"""The main window: title, status bar, shortcuts, and hosting the session editor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    EditorSpy,
    RecordingMessages,
    StandInEditor,
    add_patient,
    add_physician,
    add_session,
    make_context,
    show_window,
    when_modal_opens,
)
from tpi_desk import __version__
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.models.database import Database
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import HostedSessionEditor
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.patient_dialog import PatientDialog
from tpi_desk.ui.session_editor import SessionEditor


@pytest.fixture
def editors() -> EditorSpy:
    return EditorSpy()


@pytest.fixture
def messages() -> RecordingMessages:
    return RecordingMessages()


@pytest.fixture
def window(
    qtbot: QtBot, context: AppContext, messages: RecordingMessages, editors: EditorSpy
) -> MainWindow:
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    add_session(context, zoe.id, add_physician(context).id, NOW - timedelta(days=3))
    return show_window(qtbot, context, messages, editors)


def open_zoe(window: MainWindow) -> int:
    patient_id = window.search_pane.model.patient_at(0).id
    assert window.open_patient(patient_id)
    return patient_id


def test_title_status_bar_and_counts(
    qtbot: QtBot, window: MainWindow, desk: Desk, sqlite_url: str
) -> None:
    assert window.windowTitle() == "TPI Desk"
    database_file = str(desk.database.url.database)
    assert window.database_label.text() == f"Database: {database_file}"
    qtbot.waitUntil(lambda: window.counts_label.text() != "")
    assert window.counts_label.text() == "1 patient   ·   1 session"
    assert window.pages.currentWidget() is window.recent_page


def test_a_server_database_is_shown_without_its_password(qtbot: QtBot, desk: Desk) -> None:
    url = desk.database.url.set(
        drivername="postgresql+psycopg", username="clinic", password="s3cret", host="db.local"
    )
    database = Database(desk.database.engine, desk.database.session_factory, url)
    server = Desk(database, catalog=desk.catalog, data_dir=desk.data_dir, clock=desk.clock)
    window = show_window(qtbot, make_context(server), RecordingMessages())
    assert "s3cret" not in window.database_label.text()
    assert "clinic:***@db.local" in window.database_label.text()


def test_ctrl_n_starts_a_session_for_the_open_patient_only(
    qtbot: QtBot, window: MainWindow, editors: EditorSpy
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editors.built == []  # no patient open: nothing to start

    patient_id = open_zoe(window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    editor = editors.built[0]
    assert editor.calls == [("new_session", patient_id)]
    assert window.pages.currentWidget() is editor


def test_the_editor_is_built_once_and_reused(window: MainWindow, editors: EditorSpy) -> None:
    open_zoe(window)
    window.patient_page.banner.new_session_button.click()
    editors.built[0].close_requested.emit()
    window.patient_page.banner.new_session_button.click()
    assert len(editors.built) == 1
    assert [call for call, _ in editors.built[0].calls] == ["new_session", "new_session"]


def test_saving_and_signing_refresh_the_lists_and_closing_returns_to_the_patient(
    window: MainWindow, editors: EditorSpy, context: AppContext
) -> None:
    patient_id = open_zoe(window)
    window.new_session_action.trigger()
    editor = editors.built[0]
    provider_id = context.providers.clinicians()[0].id
    saved = add_session(context, patient_id, provider_id, NOW)  # what the editor would store

    editor.session_saved.emit(saved.id)

    assert window.patient_page.history_model.rowCount() == 2
    assert [s.id for s in window.recent_page.model.summaries()] == [saved.id]
    assert window.pages.currentWidget() is editor

    editor.session_signed.emit(saved.id)
    editor.close_requested.emit()

    assert window.pages.currentWidget() is window.patient_page
    assert window.patient_page.patient_id() == patient_id


def test_activating_a_history_row_opens_that_session(
    window: MainWindow, editors: EditorSpy
) -> None:
    open_zoe(window)
    page = window.patient_page
    session_id = page.history_model.summary_at(0).id
    page.history.activated.emit(page.history_model.index(0, 0))
    assert editors.built[0].calls == [("open_session", session_id)]


def test_leaving_the_editor_saves_first_and_stays_if_saving_fails(
    window: MainWindow, editors: EditorSpy
) -> None:
    patient_id = open_zoe(window)
    window.new_session_action.trigger()
    editor: StandInEditor = editors.built[0]
    editor.unsaved = True
    editor.save_succeeds = False

    window.today_action.trigger()

    assert window.pages.currentWidget() is editor
    assert editor.calls[-1] == ("save", None)

    editor.save_succeeds = True
    window.today_action.trigger()

    assert window.pages.currentWidget() is window.recent_page
    assert not editor.has_unsaved_changes()
    assert window.patient_page.patient_id() == patient_id


def test_quitting_with_unsavable_changes_asks_first(
    window: MainWindow, editors: EditorSpy, messages: RecordingMessages
) -> None:
    open_zoe(window)
    window.new_session_action.trigger()
    editor = editors.built[0]
    editor.unsaved = True
    editor.save_succeeds = False

    refused = QCloseEvent()
    window.closeEvent(refused)
    assert not refused.isAccepted()
    assert messages.kinds() == ["confirm"]

    messages.answer = True
    allowed = QCloseEvent()
    window.closeEvent(allowed)
    assert allowed.isAccepted()


def test_ctrl_shift_n_asks_for_a_new_patient(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []

    def cancel(dialog: PatientDialog) -> None:
        seen.append(dialog.windowTitle())
        dialog.reject()

    failures = when_modal_opens(PatientDialog, cancel)
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert failures == []
    assert seen == ["New patient"]


def test_about_names_the_version(window: MainWindow, messages: RecordingMessages) -> None:
    window.about_action.trigger()
    assert messages.shown[0][0:2] == ("info", "About TPI Desk")
    assert f"TPI Desk {__version__}" in messages.shown[0][2]


def test_a_large_database_opens_with_one_page_per_list(
    qtbot: QtBot, context: AppContext, catalog: Catalog
) -> None:
    context.demo_data.add(patients=500, sessions=2000, seed=9, signatures=False)
    window = show_window(qtbot, context, RecordingMessages())
    assert window.search_pane.model.rowCount() == 200
    assert window.search_pane.model.canFetchMore()
    assert window.search_pane.footer.text() == "200+ patients"
    assert window.recent_page.model.rowCount() <= 200


def test_the_real_session_editor_is_hosted(qtbot: QtBot, context: AppContext) -> None:
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    add_physician(context)
    window = MainWindow(context, RecordingMessages())
    qtbot.addWidget(window)
    window.show()
    window.open_patient(zoe.id)

    window.new_session_action.trigger()

    editor = window.pages.currentWidget()
    assert isinstance(editor, SessionEditor)
    assert isinstance(editor, HostedSessionEditor)
    editor.close_requested.emit()
    assert window.pages.currentWidget() is window.patient_page
