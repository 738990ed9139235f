"""An empty database opens on the first-run page; "Load demo data" fills it after asking."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, show_window
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.first_run import DEMO_PATIENTS, DEMO_SESSIONS
from tpi_desk.ui.main_window import NO_PATIENT_FOR_SESSION, MainWindow


def test_an_empty_database_opens_on_the_first_run_page(qtbot: QtBot, context: AppContext) -> None:
    window = show_window(qtbot, context, RecordingMessages())

    assert window.pages.currentWidget() is window.first_run_page
    assert window.search_pane.footer.text() == "No patients yet."
    window.new_session_action.trigger()  # no patient yet: Ctrl+N says what to do
    assert window.statusBar().currentMessage() == NO_PATIENT_FOR_SESSION


def test_load_demo_data_asks_then_fills_the_database(qtbot: QtBot, context: AppContext) -> None:
    messages = RecordingMessages(answer=True)
    # A new database: no account yet, so nobody signs in (demo data refuses a database
    # holding an account it did not create: tests/gui/test_demo_data_fence.py).
    window = show_window(qtbot, context, messages, signed_in=False)
    with qtbot.waitSignal(window.first_run_page.demo_data_requested):
        window.first_run_page.demo_button.click()

    assert messages.kinds() == ["confirm", "info"]  # the demo administrator's password
    counts = context.overview.counts()
    assert (counts.patients, counts.sessions) == (DEMO_PATIENTS, DEMO_SESSIONS)
    assert window.search_pane.model.rowCount() == DEMO_PATIENTS
    assert window.pages.currentWidget() is window.recent_page
    # The empty database's own count may be on screen until the newer one arrives (an older
    # count never replaces a newer one: tests/gui/test_database_status.py).
    expected = f"{DEMO_PATIENTS} patients   ·   {DEMO_SESSIONS:,} sessions"
    qtbot.waitUntil(lambda: window.counts_label.text() == expected)
    assert QGuiApplication.overrideCursor() is None  # the wait cursor is gone again


def test_declining_the_question_adds_nothing(qtbot: QtBot, context: AppContext) -> None:
    messages = RecordingMessages(answer=False)
    window: MainWindow = show_window(qtbot, context, messages)

    window.demo_action.trigger()

    assert messages.kinds() == ["confirm"]
    assert context.overview.counts().patients == 0
    assert window.pages.currentWidget() is window.first_run_page
