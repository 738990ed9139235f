"""The status bar's record counts: only the newest count is shown, whatever order the
background counts finish in."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from tests.gui.window_support import add_patient
from tpi_desk.desk import Desk
from tpi_desk.services.sessions.overview import DatabaseOverview, RecordCounts
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.database_status import DatabaseStatus


class FirstCountHeldBack(DatabaseOverview):
    """The real overview, whose first count waits until the test lets it go (as a whole-table
    count begun on an empty database can finish after demo data filled it)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk.database.session_factory, desk.database.url)
        self.let_first_go = threading.Event()
        self.first_done = threading.Event()
        self._calls = 0
        self._lock = threading.Lock()

    def counts(self) -> RecordCounts:
        with self._lock:
            self._calls += 1
            first = self._calls == 1
        if not first:
            return super().counts()
        counted = super().counts()  # counted now, on the database as it is now
        self.let_first_go.wait(timeout=10)
        self.first_done.set()
        return counted


def test_an_older_count_that_finishes_last_does_not_replace_the_newer(
    qtbot: QtBot, desk: Desk, context: AppContext
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    overview = FirstCountHeldBack(desk)
    status = DatabaseStatus(window, overview)
    status.refresh_counts()  # counts the empty database, held back
    add_patient(context)
    status.refresh_counts()
    qtbot.waitUntil(lambda: status.counts_label.text() != "")
    assert status.counts_label.text() == "1 patient   ·   0 sessions"

    overview.let_first_go.set()
    assert overview.first_done.wait(timeout=10)
    qtbot.wait(200)  # the first count's outcome reaches the UI thread, and is dropped

    assert status.counts_label.text() == "1 patient   ·   0 sessions"
